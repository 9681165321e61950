"""The chance of a shared birthday against the number of people in the room."""

import matplotlib.pyplot as plt

ALT = "A curve rising from 0 to nearly 1 as the room grows to 80 people, crossing one half at 23 people"
CAPTION = "Exact chance that some two people share a birthday"
SIZE = (900, 470)

bday = facts.bday
people = list(range(len(bday.curve)))

fig, ax = plt.subplots()
ax.plot(people, bday.curve, color=style.accent)
ax.axhline(0.5, color=style.muted, linewidth=1.5, linestyle="--")
ax.axvline(bday.people_for_half, color=style.warm, linewidth=2)
ax.annotate(f"{bday.people_for_half} people: {100 * bday.curve[bday.people_for_half]:.1f}%", (bday.people_for_half, 0.5),
            xytext=(bday.people_for_half + 6, 0.3), color=style.warm)
ax.set_xlabel("people in the room")
ax.set_ylabel("chance of a shared birthday")
ax.set_ylim(0, 1.02)
fig.tight_layout()
