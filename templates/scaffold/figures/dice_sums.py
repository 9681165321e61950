"""How often each sum of two fair dice comes up: the shape the live demo grows towards."""

import matplotlib.pyplot as plt

ALT = "Bars of how often each sum of two dice comes up, rising from 2 to a peak at 7 and falling to 12"
CAPTION = "36 equally likely rolls of two dice"
SIZE = (880, 480)

sums = list(range(2, 13))
ways = [6 - abs(7 - s) for s in sums]

fig, ax = plt.subplots()
ax.bar(sums, ways, color=style.accent)
ax.set_xticks(sums)
ax.set_xlabel("sum of two dice")
ax.set_ylabel("ways out of 36")
fig.tight_layout()
