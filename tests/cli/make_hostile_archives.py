#!/usr/bin/env python3
"""Writes the hostile archives of tests/cli/hostile_inputs_test.cpp into DIR.

  external-<filter>.tar.gz  gzip whose payload starts with the magic of a decompressor that
                            exists only as an external program (lzop, lrzip, grzip)
  big-member.tar.gz         a MEMBER_MIB MiB member that starts with the ELF magic, then ELF
  lying-size.zip            a member whose headers claim 1,000 bytes; it inflates to MEMBER_MIB
                            MiB; then ELF
  utf8-names.zip            ELF under 'données/tool', names flagged UTF-8

usage: make_hostile_archives.py DIR ELF MEMBER_MIB
"""
import gzip
import io
import struct
import sys
import tarfile
import zipfile
import zlib

MAGICS = {
    "lzop": b"\x89LZO\x00\r\n\x1a\n" + b"\x00" * 64,
    "lrzip": b"LRZI\x00\x06" + b"\x00" * 64,
    "grzip": b"GRZipII\x00\x02\x04:)" + b"\x00" * 64,
}


class Zeros(io.RawIOBase):
    """The ELF magic followed by zeros, `size` bytes in all, never held in memory."""

    def __init__(self, size):
        self.left = size
        self.first = True

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        if self.first and n >= 4:
            buffer[:4] = b"\x7fELF"
            self.first = False
        self.left -= n
        return n


def big_member_tar(path, elf, mib):
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo("release/bin/huge")
        info.size = mib << 20
        tar.addfile(info, io.BufferedReader(Zeros(info.size)))
        info = tarfile.TarInfo("release/bin/tool")
        info.size = len(elf)
        tar.addfile(info, io.BytesIO(elf))


def lying_zip(path, elf, mib):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("release/bin/huge", "w", force_zip64=False) as member:
            stream = Zeros(mib << 20)
            chunk = bytearray(1 << 20)
            while True:
                n = stream.readinto(chunk)
                if not n:
                    break
                member.write(bytes(chunk[:n]))
        z.writestr("release/bin/tool", elf)
    data = bytearray(open(path, "rb").read())
    # Uncompressed size: local header offset 22, central directory entry offset 24.
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 1000)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    open(path, "wb").write(bytes(data))


def main():
    out, elf_path, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
    elf = open(elf_path, "rb").read()
    for name, magic in MAGICS.items():
        with open(f"{out}/external-{name}.tar.gz", "wb") as f:
            f.write(gzip.compress(magic, mtime=0))
    big_member_tar(f"{out}/big-member.tar.gz", elf, mib)
    lying_zip(f"{out}/lying-size.zip", elf, mib)
    with zipfile.ZipFile(f"{out}/utf8-names.zip", "w") as z:
        z.writestr("données/tool", elf)


if __name__ == "__main__":
    main()
