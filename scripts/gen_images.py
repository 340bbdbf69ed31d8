#!/usr/bin/env python3
"""broadsheet's generator of plain test pictures (no image from outside the project).

    python3 scripts/gen_images.py picture OUT.jpg [--size 1600x1000] [--seed N]
                                          [--orientation 1..8] [--quality 90]
    python3 scripts/gen_images.py corpus DIR --images N [--size 1600x1000] [--seed X]

`picture` writes one generated picture: a sky-to-sea gradient, a sun and a few
boxes standing for buildings, drawn from a seeded random.Random, so the same
arguments give the same bytes. JPEG, PNG or WebP by OUT's extension.
`--orientation` writes the EXIF Orientation tag (0x0112) *and* stores the pixels
turned so that a viewer applying the tag shows the picture upright: with 6
("rotate 90° clockwise to view") the stored image is the upright one turned 90°
counter-clockwise, and its stored width and height are swapped. A red box marks
the picture's top-left corner as seen upright, so a test can tell whether the
tag was applied.

`corpus` adds pictures to a corpus made by scripts/gen_corpus.py (either
layout): every k-th article (k = articles / N) gets a generated picture in an
`images/` folder beside it and a `<figure>` with an `<img>` and a caption at
the end of its body.

Needs Pillow (`pip install pillow`).
"""

import argparse
import os
import random
import sys

from PIL import Image, ImageDraw

ORIENTATION = 0x0112
# The transpose that turns an upright picture into what is stored under each tag.
STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright(width, height, seed):
    """The picture as a reader should see it."""
    rng = random.Random(seed)
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    top = (rng.randrange(90, 160), rng.randrange(150, 200), rng.randrange(220, 256))
    sea = (rng.randrange(0, 40), rng.randrange(60, 110), rng.randrange(120, 170))
    horizon = int(height * rng.uniform(0.45, 0.65))
    for y in range(height):
        t = y / max(1, height - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, sea))
        draw.line([(0, y), (width, y)], fill=colour)
    r = int(min(width, height) * rng.uniform(0.06, 0.12))
    cx, cy = int(width * rng.uniform(0.55, 0.9)), int(horizon * rng.uniform(0.2, 0.6))
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 214, 90))
    x = int(width * 0.05)
    while x < width * 0.5:
        w = int(width * rng.uniform(0.03, 0.08))
        h = int(horizon * rng.uniform(0.2, 0.7))
        grey = rng.randrange(60, 140)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(grey, grey, grey + 10))
        x += w + int(width * 0.01)
    mark = max(4, min(width, height) // 10)
    draw.rectangle([0, 0, mark, mark], fill=(230, 20, 20))
    return img


def save(img, path, orientation=1, quality=90):
    transpose = STORE[orientation]
    stored = img.transpose(transpose) if transpose is not None else img
    ext = os.path.splitext(path)[1].lower()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if ext in (".jpg", ".jpeg"):
        exif = Image.Exif()
        if orientation != 1:
            exif[ORIENTATION] = orientation
        stored.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    elif ext == ".png":
        stored.save(path, "PNG", optimize=True)
    elif ext == ".webp":
        stored.save(path, "WEBP", quality=quality)
    else:
        sys.exit(f"{path}: write .jpg, .png or .webp")


def size(text):
    w, _, h = text.partition("x")
    return int(w), int(h)


def article_files(content):
    for folder, dirs, files in os.walk(content):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md") and name != "_index.md":
                yield os.path.join(folder, name)


def corpus(args):
    content = os.path.join(args.dir, "content")
    files = list(article_files(content))
    if not files:
        sys.exit(f"no articles under {content}: run scripts/gen_corpus.py first")
    step = max(1, len(files) // args.images)
    width, height = size(args.size)
    made = 0
    for i, path in enumerate(files):
        if i % step or made >= args.images:
            continue
        stem = os.path.splitext(os.path.basename(path))[0]
        name = f"images/{stem}.jpg"
        save(upright(width, height, f"{args.seed}-{i}"), os.path.join(os.path.dirname(path), name))
        with open(path, "a", encoding="utf-8") as f:
            f.write(
                f'\n<figure class="photo">\n<img src="{name}" alt="">\n'
                f"<figcaption>图为第{made + 1}张配图。</figcaption>\n</figure>\n"
            )
        made += 1
    print(f"added {made} pictures under {content}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("picture")
    one.add_argument("out")
    one.add_argument("--size", default="1600x1000")
    one.add_argument("--seed", default="1")
    one.add_argument("--orientation", type=int, default=1, choices=range(1, 9))
    one.add_argument("--quality", type=int, default=90)
    many = sub.add_parser("corpus")
    many.add_argument("dir")
    many.add_argument("--images", type=int, required=True)
    many.add_argument("--size", default="1600x1000")
    many.add_argument("--seed", default="1")
    args = parser.parse_args()
    if args.command == "picture":
        w, h = size(args.size)
        save(upright(w, h, args.seed), args.out, args.orientation, args.quality)
    else:
        corpus(args)


if __name__ == "__main__":
    main()
