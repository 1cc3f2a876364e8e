"""A minimal SquashFS 4.0 writer (gzip metadata or none, no fragments, one id) for the hostile
images of make_hostile_archives.py: it writes what mksquashfs never would (names out of order,
one basic inode under two names, directories sharing a listing, sparse block lists).
"""
import struct, zlib
META = 8192
class Img:
    def __init__(self, block_log=12, compress_meta=False):
        self.nodes = {}; self.block_log = block_log; self.bs = 1 << block_log
        self.compress_meta = compress_meta; self.next_ino = 1; self.root = None
    def add(self, kind, **kw):
        nid = len(self.nodes)
        kw.setdefault('ino', self.next_ino); self.next_ino += 1
        kw['kind'] = kind; kw.setdefault('entries', [])
        self.nodes[nid] = kw
        return nid
    def dir(self, **kw): return self.add('dir', **kw)
    def file(self, data=b'', **kw): return self.add('file', data=data, **kw)
    def symlink(self, target, **kw): return self.add('slink', target=target, **kw)
    def link(self, parent, name, child):
        if isinstance(name, str): name = name.encode('utf-8', 'surrogateescape')
        self.nodes[parent]['entries'].append((name, child))

    def _meta(self, stream):
        # returns bytes of metadata blocks and a function pos->(block_start, offset)
        out = bytearray(); starts = []
        for i in range(0, max(len(stream), 1), META):
            chunk = bytes(stream[i:i+META]); starts.append(len(out))
            c = zlib.compress(chunk, 9) if self.compress_meta else None
            if c is not None and len(c) < len(chunk):
                out += struct.pack('<H', len(c)) + c
            else:
                out += struct.pack('<H', 0x8000 | len(chunk)) + chunk
        return bytes(out), starts
    def build(self, root):
        bs = self.bs
        # data area
        data = bytearray(); blocks = {}
        for nid, n in self.nodes.items():
            if n['kind'] != 'file': continue
            if 'blocks' in n:  # crafted: list of block size words, start offset, size
                continue
            d = n['data']; start = 96 + len(data); lst = []
            for i in range(0, len(d), bs):
                chunk = d[i:i+bs]
                if chunk.count(0) == len(chunk) and n.get('sparse', True):
                    lst.append(0); continue
                data += chunk; lst.append(len(chunk) | 0x1000000)
            n['blocks'] = lst; n['start'] = start; n.setdefault('size', len(d))
        for nid, n in self.nodes.items():
            if n['kind'] == 'file':
                n.setdefault('start', 96); n.setdefault('size', 0)
        inode_table_start = 96 + len(data)
        def inode_size(n):
            k = n['kind']
            if k == 'dir': return 16 + (24 if n.get('ext') else 16)
            if k == 'file':
                return 16 + (40 if n.get('ext') else 16) + 4 * len(n['blocks'])
            if k == 'slink': return 16 + 8 + len(n['target'])
            return 16 + 4
        # pass1: inode stream positions (uncompressed positions)
        pos = {}; p = 0
        order = list(self.nodes.keys())
        for nid in order:
            pos[nid] = p; p += inode_size(self.nodes[nid])
        ino_stream_len = p
        # we need block start in the *written* table; with compression that depends on content.
        # Use uncompressed positions -> only valid if not compress_meta; for compress_meta we do
        # two rounds: serialize once with dummy dir positions (same sizes), get starts.
        def ref_of(nid, starts):
            q = pos[nid]; return starts[q // META], q % META
        def build_listings(istarts):
            lst_stream = bytearray(); lpos = {}
            for nid in order:
                n = self.nodes[nid]
                if n['kind'] != 'dir' or 'listing_of' in n: continue
                lpos[nid] = len(lst_stream)
                ents = n['entries']; i = 0
                while i < len(ents):
                    blk, _ = ref_of(ents[i][1], istarts); base = self.nodes[ents[i][1]]['ino']
                    group = []
                    while i < len(ents) and len(group) < 256:
                        b2, off = ref_of(ents[i][1], istarts); c = self.nodes[ents[i][1]]
                        if b2 != blk or not (-32768 <= c['ino'] - base <= 32767): break
                        group.append((off, c['ino'] - base, c, ents[i][0])); i += 1
                    lst_stream += struct.pack('<III', len(group) - 1, blk, base)
                    for off, delta, c, name in group:
                        t = {'dir': 1, 'file': 2, 'slink': 3}.get(c['kind'], c.get('type', 6))
                        lst_stream += struct.pack('<HhHH', off, delta, t, len(name) - 1) + name
                n['listing_len'] = len(lst_stream) - lpos[nid]
            return lst_stream, lpos
        def ser_inodes(dstarts, lpos):
            s = bytearray()
            for nid in order:
                n = self.nodes[nid]; k = n['kind']; ino = n['ino']
                mode = n.get('mode', {'dir': 0o755, 'file': 0o755, 'slink': 0o777}.get(k, 0o644))
                if k == 'dir':
                    src = n.get('listing_of', nid); src_n = self.nodes[src]
                    lp = lpos.get(src, 0)
                    sb_, so = (dstarts[lp // META], lp % META) if dstarts else (0, 0)
                    size = n.get('dsize', src_n.get('listing_len', 0) + 3)
                    if n.get('ext'):
                        s += struct.pack('<HHHHII', 8, mode, 0, 0, 0, ino)
                        s += struct.pack('<IIIIHHI', 2, size, sb_, n.get('parent', 1), 0, so, 0xffffffff)
                    else:
                        s += struct.pack('<HHHHII', 1, mode, 0, 0, 0, ino)
                        s += struct.pack('<IIHHI', sb_, 2, size, so, n.get('parent', 1))
                elif k == 'file':
                    if n.get('ext'):
                        s += struct.pack('<HHHHII', 9, mode, 0, 0, 0, ino)
                        s += struct.pack('<QQQIIII', n['start'], n['size'], 0, n.get('nlink', 1), 0xffffffff, 0, 0xffffffff)
                    else:
                        s += struct.pack('<HHHHII', 2, mode, 0, 0, 0, ino)
                        s += struct.pack('<IIII', n['start'], 0xffffffff, 0, n['size'])
                    s += b''.join(struct.pack('<I', x) for x in n['blocks'])
                elif k == 'slink':
                    s += struct.pack('<HHHHII', 3, mode, 0, 0, 0, ino)
                    s += struct.pack('<II', 1, len(n['target'])) + n['target']
                else:
                    s += struct.pack('<HHHHII', n.get('type', 6), mode, 0, 0, 0, ino) + struct.pack('<I', 1)
            return s
        # inode block starts: serialize with dummy, compress, get starts (sizes independent of dir pos
        # for uncompressed; for compressed iterate until stable)
        lst, lpos = build_listings([i * (META + 2) for i in range(ino_stream_len // META + 1)])
        dtab, dstarts = self._meta(lst)
        for _ in range(4):
            itab, istarts = self._meta(ser_inodes(dstarts, lpos))
            lst, lpos = build_listings(istarts)
            dtab, dstarts = self._meta(lst)
        itab, istarts = self._meta(ser_inodes(dstarts, lpos))
        dir_table_start = inode_table_start + len(itab)
        idblk_start = dir_table_start + len(dtab)
        idblk = struct.pack('<HI', 0x8000 | 4, 0)
        id_table_start = idblk_start + len(idblk)
        tail = idblk + struct.pack('<Q', idblk_start)
        bytes_used = id_table_start + 8
        rb, ro = ref_of(root, istarts)
        sb = struct.pack('<IIIIIHHHHHHQQQQQQQQ', 0x73717368, len(self.nodes), 0, bs, 0, 1,
                         self.block_log, 0x0010, 1, 4, 0, (rb << 16) | ro, bytes_used,
                         id_table_start, 0xffffffffffffffff, inode_table_start, dir_table_start,
                         0xffffffffffffffff, 0xffffffffffffffff)
        img = sb + bytes(data) + itab + dtab + tail
        pad = (-len(img)) % 4096
        return img + b'\0' * pad
