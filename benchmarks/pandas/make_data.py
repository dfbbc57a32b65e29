# The drift command line's outside comparison data: two 1,000,000-row CSV files of 10 numerical
# columns written with six decimals (numpy.savetxt '%.6f'); the current file has columns c2 and c7
# shifted by 0.05. Usage: python3 make_data.py  (writes ref.csv and cur.csv here)
import numpy as np


def write(path, seed, shift):
    r = np.random.default_rng(seed)
    cols = []
    for j in range(10):
        x = r.normal(50 + 10 * j, 5 + j, 1_000_000)
        if j in (2, 7):
            x = x + shift
        cols.append(x)
    np.savetxt(path, np.column_stack(cols), delimiter=',', fmt='%.6f', header=','.join('c%d' % j for j in range(10)), comments='')


write('ref.csv', 1, 0.0)
write('cur.csv', 2, 0.05)
