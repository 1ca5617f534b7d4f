"""Writes the numpy fixtures NpyTest reads (run: /usr/bin/python3 make.py in this folder; numpy only).
Every file is written by numpy itself, so the reader is checked against numpy's own writer."""
import numpy as np

# npz: images [N, C, H, W] float32 with exactly representable values, int64 labels
x = (np.arange(4 * 2 * 2 * 3, dtype=np.float32).reshape(4, 2, 2, 3) - 10) / 4
y = np.array([3, 0, 2, 1], dtype=np.int64)
np.savez("images.npz", x=x, y=y)
np.savez_compressed("images-compressed.npz", x=x, y=y)
# npz without a y array
np.savez("no-labels.npz", x=x, labels=y)
# a pair of .npy files: [N, H, W] uint8 pixels, uint8 labels
np.save("pixels-x.npy", np.array([[[0, 255], [7, 128]], [[1, 2], [3, 4]], [[9, 8], [7, 6]]], dtype=np.uint8))
np.save("pixels-y.npy", np.array([1, 0, 4], dtype=np.uint8))
# big-endian float64 features [N, d] (2/3 is rounded to float32 on reading), int32 labels
np.save("table-x.npy", np.array([[1.0, -2.5], [2.0 / 3.0, 1e-3]], dtype=">f8"))
np.save("table-y.npy", np.array([0, 1], dtype=np.int32))
# refused: Fortran order, float labels
np.save("fortran-x.npy", np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.save("float-y.npy", np.array([0.0, 1.0], dtype=np.float64))
# CSV written by numpy.savetxt: labels as floats (the default '%.18e', and '%f')
np.savetxt("savetxt-e.csv", np.array([[0.5, -1.0, 3.0], [2.0, 0.25, 0.0]]), delimiter=",")
np.savetxt("savetxt-f.csv", np.array([[0.5, 2.0], [1.5, 1.0]]), delimiter=",", fmt="%f")
