#!/usr/bin/env python3
"""Writes the hostile archives of tests/cli/hostile_inputs_test.cpp into DIR.

  external-<filter>.tar.gz  gzip whose payload starts with the magic of a decompressor that
                            exists only as an external program (lzop, lrzip, grzip)
  big-member.tar.gz         a MEMBER_MIB MiB member that starts with the ELF magic, then ELF
  lying-size.zip            a member whose headers claim 1,000 bytes; it inflates to MEMBER_MIB
                            MiB; then ELF
  utf8-names.zip            ELF under 'données/tool', names flagged UTF-8
  rpm-huge-name.rpm         an RPM (no digests) whose cpio declares a member name of 4 GiB
  rpm-junk.rpm              an RPM (no digests) with one junk byte between two cpio members
  rpm-hard-links.rpm        an RPM (no digests): ELF hard-linked under two names, the data with
                            the second, as rpmbuild writes it
  rpm-many-links.rpm        an RPM (no digests): 200,000 names of hard links whose data never
                            comes, then ELF
  sqfs-deep.sqfs            ELF under 2,100 nested directories (a path over 4096 bytes)
  sqfs-twice.sqfs           two entries named 'tool' in one directory
  sqfs-two-names.sqfs       one basic file inode (one link) under two names
  sqfs-bomb.sqfs            3,000 entries of one inode declaring 1 GiB of sparse blocks (a 1 MB
                            block list each time it is read), 12 KB in all
  image-dotdot.tar          a docker save archive whose layer holds ../../etc/evil
  image-missing.tar         whose manifest names a layer the archive does not hold
  image-self-index.tar      an OCI archive whose index lists itself (a blob not named by its
                            digest)
  image-big-layer.tar       a gzip layer of 1 GiB of zeros, then a MEMBER_MIB MiB member that
                            starts with the ELF magic, then ELF with a garbage ld.so.cache and
                            symlinks that loop
  image-names.tar           a layer of 20,000 symlinks with 2,000-byte names
  image-layout-escape       an OCI layout directory whose manifest.json names /etc/passwd as
                            its configuration
  image-layout-symlink      an OCI layout directory whose index.json is a symlink to a file
                            outside it
  image-hard-link.tar       ELF at tmp/evil hard-linked as usr/local/bin/evil, then tmp/evil
                            whited out
  image-two-images.tar      docker save of two linux/amd64 images, one ELF file each
  web-manifest.tar          a tarball whose first member is a web extension's manifest.json,
                            then ELF

usage: make_hostile_archives.py DIR ELF MEMBER_MIB
"""
import gzip
import io
import json
import struct
import sys
import tarfile
import zipfile
import zlib

from squashfs_writer import Img

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


def newc(name, data=b"", mode=0o100755, inode=1, links=1, name_size=None):
    """One cpio member in the new portable form, padded to 4 bytes as rpm writes it."""
    encoded = name.encode() + b"\0"
    size = len(encoded) if name_size is None else name_size
    fields = [inode, mode, 0, 0, links, 0, len(data), 0, 0, 0, 0, size, 0]
    head = b"070701" + b"".join(b"%08x" % f for f in fields) + encoded
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def rpm(payload):
    """An RPM package with empty headers (so no digest) around a gzip-compressed payload."""
    lead = b"\xed\xab\xee\xdb\x03\x00" + struct.pack(">hh", 0, 1) + b"hostile".ljust(66, b"\0")
    lead += struct.pack(">hh", 1, 5) + b"\0" * 16
    empty_header = b"\x8e\xad\xe8\x01" + b"\0" * 12
    return lead + empty_header + empty_header + gzip.compress(payload, mtime=0)


def rpm_cases(out, elf):
    trailer = newc("TRAILER!!!", mode=0, inode=0)
    cases = {
        "rpm-huge-name.rpm": newc("x", name_size=0xFFFFFFF0) + b"\0" * 4096,
        "rpm-junk.rpm": newc("./usr/bin/a", elf, inode=1) + b"\xff" +
        newc("./usr/bin/b", elf, inode=2) + trailer,
        "rpm-hard-links.rpm": newc("./usr/bin/a", b"", inode=7, links=2) +
        newc("./usr/bin/b", elf, inode=7, links=2) + trailer,
        "rpm-many-links.rpm": b"".join(
            newc("./usr/share/h%d" % i, b"", mode=0o100644, inode=10 + i, links=2)
            for i in range(200000)) + newc("./usr/bin/tool", elf, inode=1) + trailer,
    }
    for name, payload in cases.items():
        with open(f"{out}/{name}", "wb") as f:
            f.write(rpm(payload))


def squashfs_cases(out, elf):
    deep = Img()
    root = parent = deep.dir()
    for _ in range(2100):
        child = deep.dir()
        deep.link(parent, "d", child)
        parent = child
    deep.link(parent, "tool", deep.file(elf))
    twice = Img()
    root_twice = twice.dir()
    twice.link(root_twice, "tool", twice.file(elf))
    twice.link(root_twice, "tool", twice.file(elf))
    names = Img()
    root_names = names.dir()
    shared = names.file(elf)
    names.link(root_names, "a", shared)
    names.link(root_names, "b", shared)
    bomb = Img(compress_meta=True)
    root_bomb = bomb.dir(ext=True)
    sparse = bomb.file(ext=True, blocks=[0] * 262144, start=96, size=262144 * 4096)
    for i in range(3000):
        bomb.link(root_bomb, "f%05d" % i, sparse)
    for name, image, top in (("deep", deep, root), ("twice", twice, root_twice),
                             ("two-names", names, root_names), ("bomb", bomb, root_bomb)):
        with open(f"{out}/sqfs-{name}.sqfs", "wb") as f:
            f.write(image.build(top))


def tar_bytes(members):
    """An uncompressed tar of (TarInfo, bytes or a file object) pairs."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            if isinstance(data, bytes):
                info.size = len(data)
                data = io.BytesIO(data)
            tar.addfile(info, data)
    return out.getvalue()


def entry(name, kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


def docker_save(path, layers, names=None):
    """docker save (before Docker 25) of one image of `layers` (raw layer blobs)."""
    import hashlib
    names = names or ["%064x/layer.tar" % i for i in range(len(layers))]
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {
        "type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]}})
    config_name = hashlib.sha256(config.encode()).hexdigest() + ".json"
    members = [(entry(config_name), config.encode()),
               (entry("manifest.json"),
                json.dumps([{"Config": config_name, "Layers": names}]).encode())]
    members += [(entry(name), layer) for name, layer in zip(names, layers) if not name.startswith("!")]
    with open(path, "wb") as f:
        f.write(tar_bytes(members))


def big_layer(path, elf, mib):
    """A docker save archive streamed to disk: its one layer gzip-compressed, 1 GiB of zeros in
    it, never held in memory."""
    import hashlib
    cache = b"glibc-ld.so.cache1.1" + struct.pack("<IIB3xI12x", 0x7fffffff, 0, 2, 0)
    layer_path = path + ".layer"
    uncompressed = hashlib.sha256()
    with open(layer_path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as gz:
            hashed = _Hashed(gz, uncompressed)
            with tarfile.open(fileobj=hashed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                zeros = tarfile.TarInfo("data/zeros")
                zeros.size = 1 << 30
                tar.addfile(zeros, io.BufferedReader(_Repeat(bytes(1 << 20), 1 << 30)))
                huge = tarfile.TarInfo("usr/bin/huge")
                huge.size = mib << 20
                tar.addfile(huge, io.BufferedReader(Zeros(huge.size)))
                for info, data in ((entry("etc/ld.so.cache"), cache), (entry("usr/bin/tool"), elf)):
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                for name, link in (("lib/a", "b"), ("lib/b", "a"), ("usr/lib", "usr/lib")):
                    tar.addfile(entry(name, tarfile.SYMTYPE, link))
    digest = hashlib.sha256()
    with open(layer_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    name = "blobs/sha256/" + digest.hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {
        "type": "layers", "diff_ids": ["sha256:" + uncompressed.hexdigest()]}}).encode()
    config_name = "blobs/sha256/" + hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{"Config": config_name, "Layers": [name]}]).encode()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for member, data in ((config_name, config), ("manifest.json", manifest)):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        tar.add(layer_path, name)
    import os
    os.remove(layer_path)


class _Hashed:
    """A file object that hashes what it forwards: the diff_id of a layer as it is written."""

    def __init__(self, out, digest):
        self.out, self.digest = out, digest

    def write(self, data):
        self.digest.update(data)
        return self.out.write(data)


class _Repeat(io.RawIOBase):
    def __init__(self, block, size):
        self.block, self.left = block, size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left, len(self.block))
        buffer[:n] = self.block[:n]
        self.left -= n
        return n


def image_cases(out, elf, mib):
    import hashlib
    import os
    docker_save(f"{out}/image-dotdot.tar", [tar_bytes([(entry("../../etc/evil"), elf)])])
    docker_save(f"{out}/image-missing.tar", [tar_bytes([(entry("usr/bin/tool"), elf)])],
                ["!" + "%064x/layer.tar" % 7])
    # An index that lists itself (its blob stored under a name that is not its digest):
    # followed without a check, reading would never end.
    name = "1" * 64
    loop = json.dumps({"schemaVersion": 2,
                       "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
                                      "digest": "sha256:" + name, "size": 1}]}).encode()
    members = [(entry("oci-layout"), b'{"imageLayoutVersion": "1.0.0"}'),
               (entry("index.json"), loop), (entry("blobs/sha256/" + name), loop)]
    with open(f"{out}/image-self-index.tar", "wb") as f:
        f.write(tar_bytes(members))
    big_layer(f"{out}/image-big-layer.tar", elf, mib)
    names = [(entry("n%05d-" % i + "x" * 2000, tarfile.SYMTYPE, "y" * 2000), b"")
             for i in range(20000)]
    names = [(info, io.BytesIO(b"")) for info, _ in names]
    docker_save(f"{out}/image-names.tar", [tar_bytes(names + [(entry("usr/bin/tool"), elf)])])
    layout = f"{out}/image-layout-escape"
    os.makedirs(f"{layout}/blobs/sha256", exist_ok=True)
    for name, data in (("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'),
                       ("index.json", b'{"schemaVersion": 2, "manifests": []}'),
                       ("manifest.json", json.dumps([{"Config": "../../../../etc/passwd",
                                                      "Layers": []}]).encode())):
        with open(f"{layout}/{name}", "wb") as f:
            f.write(data)


def more_image_cases(out, elf):
    import hashlib
    import os
    hard = tarfile.TarInfo("usr/local/bin/evil")
    hard.type, hard.linkname = tarfile.LNKTYPE, "tmp/evil"
    docker_save(f"{out}/image-hard-link.tar",
                [tar_bytes([(entry("tmp/evil"), elf), (hard, io.BytesIO(b""))]),
                 tar_bytes([(entry("tmp/.wh.evil"), b"")])],
                ["%064x/layer.tar" % 1, "%064x/layer.tar" % 2])
    layers = [tar_bytes([(entry("usr/bin/first"), elf)]), tar_bytes([(entry("usr/bin/second"), elf)])]
    members, manifest = [], []
    for layer in layers:
        diff_id = hashlib.sha256(layer).hexdigest()
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]}}).encode()
        config_name = hashlib.sha256(config).hexdigest() + ".json"
        members += [(entry(config_name), config), (entry(diff_id + "/layer.tar"), layer)]
        manifest.append({"Config": config_name, "Layers": [diff_id + "/layer.tar"]})
    members.append((entry("manifest.json"), json.dumps(manifest).encode()))
    with open(f"{out}/image-two-images.tar", "wb") as f:
        f.write(tar_bytes(members))
    web = [(entry("manifest.json"), json.dumps({"manifest_version": 3, "name": "x"}).encode()),
           (entry("bin/tool"), elf)]
    with open(f"{out}/web-manifest.tar", "wb") as f:
        f.write(tar_bytes(web))
    layout = f"{out}/image-layout-symlink"
    os.makedirs(f"{layout}/blobs/sha256", exist_ok=True)
    with open(f"{layout}/oci-layout", "wb") as f:
        f.write(b'{"imageLayoutVersion": "1.0.0"}')
    with open(f"{out}/outside-index.json", "wb") as f:
        f.write(b'{"schemaVersion": 2, "manifests": []}')
    if not os.path.lexists(f"{layout}/index.json"):
        os.symlink(f"{out}/outside-index.json", f"{layout}/index.json")


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
    rpm_cases(out, elf)
    squashfs_cases(out, elf)
    image_cases(out, elf, mib)
    more_image_cases(out, elf)


if __name__ == "__main__":
    main()
