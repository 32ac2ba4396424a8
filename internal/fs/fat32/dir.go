package fat32

import (
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// node is a file or directory.
type node interface {
	vfs.Node
	base() *inode
}

// inode is what files and directories share: the fields of their short
// directory entry. fs.mu guards every field.
type inode struct {
	fs    *FS
	ino   uint64
	isDir bool

	parent *dir // directory holding the entry; nil for the root
	slot   int  // index of the short entry in parent

	raw     [32]byte // the short entry as last read or written
	attr    byte
	first   uint32 // first cluster, 0 if none
	size    uint32
	btime   time.Time
	mtime   time.Time
	atime   time.Time
	gone    bool     // removed from its directory
	chain   []uint32 // the cluster chain, once read
	chained bool
}

func (n *inode) base() *inode { return n }

// dirent is one name in a directory's listing.
type dirent struct {
	name   string
	short  [11]byte
	slot   int // first slot (long-name entries, then the short entry)
	nslots int
	n      node
}

// Slot states of a loaded directory.
const (
	slotEnd  = 0 // 0x00: free, and so is everything after it
	slotFree = 1 // 0xE5
	slotUsed = 2
)

// dir is a directory. Its listing is read from disk on first use and kept
// in step with every change made to it.
type dir struct {
	inode
	loaded bool
	ents   []*dirent         // by slot
	slots  []byte            // state per slot
	shorts map[[11]byte]bool // short names in use
}

var (
	_ vfs.WritableDir = (*dir)(nil)
	_ vfs.Setattrer   = (*dir)(nil)
)

// clusters returns n's cluster chain, reading it once.
func (n *inode) clusters() ([]uint32, error) {
	if !n.chained {
		c, err := n.fs.chain(n.first)
		if err != nil {
			return nil, err
		}
		n.chain, n.chained = c, true
	}
	return n.chain, nil
}

// load reads the directory's entries. The caller holds fs.mu (or is
// Mount).
func (d *dir) load() error {
	if d.loaded {
		return nil
	}
	fs := d.fs
	if d.first == 0 {
		return abi.EIO
	}
	cs, err := d.clusters()
	if err != nil {
		return err
	}
	if len(cs)*fs.g.cs/32 > dirSlots {
		return abi.EIO
	}
	data := make([]byte, len(cs)*fs.g.cs)
	for i, c := range cs {
		if err := fs.c.ReadAt(data[i*fs.g.cs:(i+1)*fs.g.cs], fs.clusterOff(c)); err != nil {
			return abi.EIO
		}
	}
	nslots := len(data) / 32
	d.slots = make([]byte, nslots)
	d.ents = nil
	d.shorts = map[[11]byte]bool{}
	var (
		lfn     []uint16 // units gathered so far, in order
		lfnNext int      // ordinal expected next; 0: none in progress
		lfnSum  byte
		lfnAt   int
	)
	for i := 0; i < nslots; i++ {
		e := data[i*32 : i*32+32]
		if e[0] == 0x00 {
			break // this slot and every one after stay slotEnd
		}
		if e[0] == 0xE5 {
			d.slots[i] = slotFree
			lfnNext = 0
			continue
		}
		d.slots[i] = slotUsed
		if e[11]&0x3F == attrLFN {
			ord := int(e[0] & 0x1F)
			switch {
			case e[0]&0x40 != 0 && ord >= 1 && ord <= 20:
				lfn = make([]uint16, ord*13)
				lfnNext, lfnSum, lfnAt = ord, e[13], i
			case lfnNext > 1 && ord == lfnNext-1 && e[13] == lfnSum:
			default:
				lfnNext = 0
				continue
			}
			copy(lfn[(ord-1)*13:], lfnPart(e))
			lfnNext = ord
			continue
		}
		if e[11]&attrVolume != 0 || e[0] == '.' {
			lfnNext = 0
			continue
		}
		var sn [11]byte
		copy(sn[:], e[0:11])
		d.shorts[sn] = true
		name, first := shortString(e), i
		if lfnNext == 1 && checksum(e) == lfnSum {
			if long := decodeLFN(lfn); checkLongName(long) == nil {
				name, first = long, lfnAt
			}
		}
		lfnNext = 0
		if checkLongName(name) != nil || strings.ContainsRune(name, 0) {
			continue // unusable name: leave it be
		}
		ent := &dirent{name: name, slot: first, nslots: i - first + 1}
		copy(ent.short[:], e[0:11])
		ent.n = fs.newNode(d, i, e)
		d.ents = append(d.ents, ent)
	}
	d.loaded = true
	return nil
}

// newNode makes the node for the short entry e at slot of d.
func (fs *FS) newNode(d *dir, slot int, e []byte) node {
	le := binary.LittleEndian
	fs.nextIno++
	in := inode{fs: fs, ino: fs.nextIno, parent: d, slot: slot}
	copy(in.raw[:], e)
	in.attr = e[11]
	in.first = uint32(le.Uint16(e[20:]))<<16 | uint32(le.Uint16(e[26:]))
	in.size = le.Uint32(e[28:])
	in.btime = fs.goTime(le.Uint16(e[16:]), le.Uint16(e[14:]), e[13])
	in.mtime = fs.goTime(le.Uint16(e[24:]), le.Uint16(e[22:]), 0)
	in.atime = fs.goTime(le.Uint16(e[18:]), 0, 0)
	if in.attr&attrDir != 0 {
		in.isDir = true
		in.size = 0
		return &dir{inode: in}
	}
	return &file{inode: in}
}

// encode fills the short entry from the node's fields.
func (n *inode) encode() {
	e := n.raw[:]
	le := binary.LittleEndian
	e[11] = n.attr
	le.PutUint16(e[20:], uint16(n.first>>16))
	le.PutUint16(e[26:], uint16(n.first))
	if n.isDir {
		le.PutUint32(e[28:], 0)
	} else {
		le.PutUint32(e[28:], n.size)
	}
	d, t, tenth := n.fs.fatTime(n.btime)
	le.PutUint16(e[16:], d)
	le.PutUint16(e[14:], t)
	e[13] = tenth
	d, t, _ = n.fs.fatTime(n.mtime)
	le.PutUint16(e[24:], d)
	le.PutUint16(e[22:], t)
	d, _, _ = n.fs.fatTime(n.atime)
	le.PutUint16(e[18:], d)
	// Keep what the disk can hold, so stat says the same before and
	// after a remount.
	n.btime = n.fs.goTime(le.Uint16(e[16:]), le.Uint16(e[14:]), e[13])
	n.mtime = n.fs.goTime(le.Uint16(e[24:]), le.Uint16(e[22:]), 0)
	n.atime = n.fs.goTime(le.Uint16(e[18:]), 0, 0)
}

// writeEntry writes the node's short entry to its directory.
func (n *inode) writeEntry() error {
	if n.parent == nil || n.gone {
		return nil
	}
	n.encode()
	return n.parent.writeSlots(n.slot, n.raw[:])
}

// slotOff is the device offset of slot i of d.
func (d *dir) slotOff(i int) (int64, error) {
	cs, err := d.clusters()
	if err != nil {
		return 0, err
	}
	per := d.fs.g.cs / 32
	if i/per >= len(cs) {
		return 0, abi.EIO
	}
	return d.fs.clusterOff(cs[i/per]) + int64(i%per*32), nil
}

// writeSlots writes whole entries from slot i on.
func (d *dir) writeSlots(i int, b []byte) error {
	for k := 0; k < len(b); k += 32 {
		off, err := d.slotOff(i + k/32)
		if err != nil {
			return err
		}
		if err := d.fs.c.WriteAt(b[k:k+32], off); err != nil {
			return abi.EIO
		}
	}
	return nil
}

// find returns the listing entry for name: the exact name, else one
// equal to it ignoring case (FAT names are case-insensitive), else one
// whose short name it is.
func (d *dir) find(name string) *dirent {
	for _, e := range d.ents {
		if e.name == name {
			return e
		}
	}
	for _, e := range d.ents {
		if strings.EqualFold(e.name, name) {
			return e
		}
	}
	for _, e := range d.ents {
		var raw [32]byte
		copy(raw[:], e.short[:])
		if strings.EqualFold(shortString(raw[:]), name) {
			return e
		}
	}
	return nil
}

// shortTaken reports whether a short name is in use in d.
func (d *dir) shortTaken(sn [11]byte) bool { return d.shorts[sn] }

// findFree finds n consecutive free slots, growing the directory by a
// zeroed cluster when there are none.
func (d *dir) findFree(n int) (int, error) {
	for {
		run := 0
		for i, s := range d.slots {
			if s == slotUsed {
				run = 0
				continue
			}
			run++
			if run == n {
				return i - n + 1, nil
			}
		}
		if len(d.slots)+d.fs.g.cs/32 > dirSlots {
			return 0, abi.ENOSPC
		}
		cs, err := d.clusters()
		if err != nil {
			return 0, err
		}
		nc, err := d.fs.alloc(1, cs[len(cs)-1])
		if err != nil {
			return 0, err
		}
		if err := d.fs.zeroClusters(nc); err != nil {
			return 0, err
		}
		d.chain = append(d.chain, nc...)
		d.slots = append(d.slots, make([]byte, d.fs.g.cs/32)...)
	}
}

// names returns the short name, flags and on-disk entries for name.
func (d *dir) entriesFor(name string, short []byte) (sn [11]byte, lfn []byte, err error) {
	sn, nt, ok := exact83(name)
	if ok && !d.shortTaken(sn) {
		short[12] = nt
		return sn, nil, nil
	}
	short[12] = 0
	if sn, err = genShort(name, d.shortTaken); err != nil {
		return sn, nil, err
	}
	return sn, lfnEntries(name, checksum(sn[:])), nil
}

// add enters node n (whose raw short entry is filled but for the name)
// as name, and returns its entry.
func (d *dir) add(name string, n node) (*dirent, error) {
	in := n.base()
	in.encode()
	sn, lfn, err := d.entriesFor(name, in.raw[:])
	if err != nil {
		return nil, err
	}
	copy(in.raw[0:11], sn[:])
	all := append(lfn, in.raw[:]...)
	slots := len(all) / 32
	at, err := d.findFree(slots)
	if err != nil {
		return nil, err
	}
	if err := d.writeSlots(at, all); err != nil {
		return nil, err
	}
	for i := at; i < at+slots; i++ {
		d.slots[i] = slotUsed
	}
	d.shorts[sn] = true
	in.parent, in.slot, in.gone = d, at+slots-1, false
	ent := &dirent{name: name, short: sn, slot: at, nslots: slots, n: n}
	i, _ := slices.BinarySearchFunc(d.ents, at, func(e *dirent, at int) int { return e.slot - at })
	d.ents = slices.Insert(d.ents, i, ent)
	return ent, nil
}

// remove marks an entry's slots free (0xE5) and drops it from the
// listing.
func (d *dir) remove(ent *dirent) error {
	del := []byte{0xE5}
	for i := ent.slot; i < ent.slot+ent.nslots; i++ {
		off, err := d.slotOff(i)
		if err != nil {
			return err
		}
		if err := d.fs.c.WriteAt(del, off); err != nil {
			return abi.EIO
		}
		d.slots[i] = slotFree
	}
	if i := slices.Index(d.ents, ent); i >= 0 {
		d.ents = slices.Delete(d.ents, i, i+1)
	}
	delete(d.shorts, ent.short)
	ent.n.base().gone = true
	return nil
}

// dotEntries returns the "." and ".." entries of a new directory at
// cluster c whose parent is parent.
func (fs *FS) dotEntries(c uint32, parent *dir, now time.Time) []byte {
	b := make([]byte, 64)
	pc := parent.first
	if parent.parent == nil {
		pc = 0 // the root is cluster 0 in ".."
	}
	for i, name := range []string{".", ".."} {
		e := b[i*32 : i*32+32]
		copy(e[0:11], name+strings.Repeat(" ", 11-len(name)))
		cl := c
		if i == 1 {
			cl = pc
		}
		e[11] = attrDir
		binary.LittleEndian.PutUint16(e[20:], uint16(cl>>16))
		binary.LittleEndian.PutUint16(e[26:], uint16(cl))
		d, t, tenth := fs.fatTime(now)
		binary.LittleEndian.PutUint16(e[16:], d)
		binary.LittleEndian.PutUint16(e[14:], t)
		e[13] = tenth
		binary.LittleEndian.PutUint16(e[24:], d)
		binary.LittleEndian.PutUint16(e[22:], t)
		binary.LittleEndian.PutUint16(e[18:], d)
	}
	return b
}

// ---- vfs.Node and vfs.Dir ----

func (fs *FS) now() time.Time { return fs.opts.Now() }

// attrOf fills the attributes every node has. The caller holds fs.mu.
func (n *inode) attrOf() vfs.Attr {
	fs := n.fs
	a := vfs.Attr{
		Ino:     n.ino,
		Dev:     fs.dev,
		Nlink:   1,
		UID:     fs.opts.UID,
		GID:     fs.opts.GID,
		Blksize: int32(fs.g.cs),
		Atime:   n.atime,
		Mtime:   n.mtime,
		Ctime:   n.mtime,
		Btime:   n.btime,
	}
	if n.isDir {
		a.Mode = abi.S_IFDIR | fs.opts.DirMode
		a.Nlink = 2
	} else {
		a.Mode = abi.S_IFREG | fs.opts.FileMode
		a.Size = int64(n.size)
		a.Blocks = (int64(n.size) + int64(fs.g.cs) - 1) / int64(fs.g.cs) * int64(fs.g.cs) / 512
	}
	if n.attr&attrReadOnly != 0 {
		a.Mode &^= 0o222
	}
	return a
}

func (d *dir) Attr() (vfs.Attr, error) {
	d.fs.mu.RLock()
	defer d.fs.mu.RUnlock()
	a := d.attrOf()
	if d.chained {
		a.Size = int64(len(d.chain)) * int64(d.fs.g.cs)
		a.Blocks = a.Size / 512
	}
	if d.loaded {
		for _, e := range d.ents {
			if e.n.base().isDir {
				a.Nlink++
			}
		}
	}
	return a, nil
}

// setAttr applies the changes every node takes. The caller holds fs.mu.
func (n *inode) setAttr(a vfs.SetAttr) error {
	if (a.UID != nil && *a.UID != n.fs.opts.UID) || (a.GID != nil && *a.GID != n.fs.opts.GID) {
		return abi.EPERM
	}
	if a.Mode != nil && !n.isDir {
		if *a.Mode&0o222 == 0 {
			n.attr |= attrReadOnly
		} else {
			n.attr &^= attrReadOnly
		}
	}
	if a.Atime != nil {
		n.atime = *a.Atime
	}
	if a.Mtime != nil {
		n.mtime = *a.Mtime
	}
	return n.writeEntry()
}

func (d *dir) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		return abi.EISDIR
	}
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	if d.fs.closed {
		return abi.EIO
	}
	return d.setAttr(a)
}

// ready checks that the directory can be used: the file system is
// mounted, the directory still exists and its listing is read. The
// caller holds fs.mu exclusively.
func (d *dir) ready() error {
	if d.fs.closed {
		return abi.EIO
	}
	if d.gone {
		return abi.ENOENT
	}
	return d.load()
}

func (d *dir) Lookup(_ vfs.Context, name string) (vfs.Node, error) {
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	if err := d.ready(); err != nil {
		return nil, err
	}
	if e := d.find(name); e != nil {
		return e.n, nil
	}
	return nil, abi.ENOENT
}

func (d *dir) ReadDir(_ vfs.Context, skip, max int) ([]vfs.DirEntry, error) {
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	if err := d.ready(); err != nil {
		return nil, err
	}
	if skip < 0 {
		return nil, abi.EINVAL
	}
	if skip >= len(d.ents) {
		return nil, nil
	}
	ents := d.ents[skip:]
	if max > 0 && len(ents) > max {
		ents = ents[:max]
	}
	out := make([]vfs.DirEntry, len(ents))
	for i, e := range ents {
		typ := uint8(abi.DT_REG)
		if e.n.base().isDir {
			typ = abi.DT_DIR
		}
		out[i] = vfs.DirEntry{Name: e.name, Ino: e.n.base().ino, Type: typ}
	}
	return out, nil
}

// prepareAdd checks that name can be made in d. The caller holds fs.mu.
func (d *dir) prepareAdd(name string) error {
	if err := checkLongName(name); err != nil {
		return err
	}
	if err := d.ready(); err != nil {
		return err
	}
	if d.find(name) != nil {
		return abi.EEXIST
	}
	return nil
}

func (d *dir) Create(_ vfs.Context, name string, mode uint32) (vfs.Node, error) {
	fs := d.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := d.prepareAdd(name); err != nil {
		return nil, err
	}
	now := fs.now()
	fs.nextIno++
	f := &file{inode: inode{fs: fs, ino: fs.nextIno, attr: attrArchive, btime: now, mtime: now, atime: now}}
	if mode&0o222 == 0 {
		f.attr |= attrReadOnly
	}
	f.chained = true
	if _, err := d.add(name, f); err != nil {
		return nil, err
	}
	f.fresh = true
	d.mtime = now
	d.writeEntry()
	return f, nil
}

func (d *dir) Mkdir(_ vfs.Context, name string, mode uint32) (vfs.Node, error) {
	fs := d.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := d.prepareAdd(name); err != nil {
		return nil, err
	}
	cs, err := fs.alloc(1, 0)
	if err != nil {
		return nil, err
	}
	now := fs.now()
	if err := fs.zeroClusters(cs); err != nil {
		fs.freeClusters(cs)
		return nil, err
	}
	if err := fs.c.WriteAt(fs.dotEntries(cs[0], d, now), fs.clusterOff(cs[0])); err != nil {
		fs.freeClusters(cs)
		return nil, abi.EIO
	}
	fs.nextIno++
	c := &dir{inode: inode{fs: fs, ino: fs.nextIno, isDir: true, attr: attrDir, first: cs[0],
		btime: now, mtime: now, atime: now, chain: cs, chained: true}}
	c.loaded = true
	c.shorts = map[[11]byte]bool{}
	c.slots = make([]byte, fs.g.cs/32)
	c.slots[0], c.slots[1] = slotUsed, slotUsed
	if _, err := d.add(name, c); err != nil {
		fs.freeClusters(cs)
		return nil, err
	}
	d.mtime = now
	d.writeEntry()
	return c, nil
}

func (d *dir) Symlink(vfs.Context, string, string) (vfs.Node, error) { return nil, abi.EPERM }

func (d *dir) Mknod(ctx vfs.Context, name string, mode uint32, _ uint64) (vfs.Node, error) {
	if t := mode & abi.S_IFMT; t != 0 && t != abi.S_IFREG {
		return nil, abi.EPERM
	}
	return d.Create(ctx, name, mode&0o7777)
}

func (d *dir) Link(vfs.Context, vfs.Node, string) error { return abi.EPERM }

// release drops a removed file's clusters once nothing uses them. The
// caller holds fs.mu.
func (fs *FS) releaseData(n node) {
	b := n.base()
	if f, ok := n.(*file); ok && f.opens > 0 {
		return
	}
	cs, err := b.clusters()
	if err != nil {
		return // a bad chain is left for fsck rather than freeing others' clusters
	}
	fs.freeClusters(cs)
	b.chain, b.first = nil, 0
}

func (d *dir) Unlink(_ vfs.Context, name string) error {
	fs := d.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := d.ready(); err != nil {
		return err
	}
	e := d.find(name)
	if e == nil {
		return abi.ENOENT
	}
	if e.n.base().isDir {
		return abi.EISDIR
	}
	if err := d.remove(e); err != nil {
		return err
	}
	fs.releaseData(e.n)
	d.mtime = fs.now()
	d.writeEntry()
	return nil
}

// isEmpty reports whether a directory has no entries but . and .. .
func (d *dir) isEmpty() (bool, error) {
	if err := d.load(); err != nil {
		return false, err
	}
	return len(d.ents) == 0, nil
}

func (d *dir) Rmdir(_ vfs.Context, name string) error {
	fs := d.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := d.ready(); err != nil {
		return err
	}
	e := d.find(name)
	if e == nil {
		return abi.ENOENT
	}
	c, ok := e.n.(*dir)
	if !ok {
		return abi.ENOTDIR
	}
	if empty, err := c.isEmpty(); err != nil {
		return err
	} else if !empty {
		return abi.ENOTEMPTY
	}
	if err := d.remove(e); err != nil {
		return err
	}
	fs.releaseData(c)
	d.mtime = fs.now()
	d.writeEntry()
	return nil
}

func (d *dir) Rename(_ vfs.Context, oldName string, newDir vfs.Dir, newName string) error {
	nd, ok := newDir.(*dir)
	if !ok || nd.fs != d.fs {
		return abi.EXDEV
	}
	fs := d.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := checkLongName(newName); err != nil {
		return err
	}
	if err := d.ready(); err != nil {
		return err
	}
	if err := nd.ready(); err != nil {
		return err
	}
	src := d.find(oldName)
	if src == nil {
		return abi.ENOENT
	}
	sn := src.n.base()
	srcDir, srcIsDir := src.n.(*dir)
	if srcIsDir {
		for a := nd; a != nil; a = a.parent {
			if a == srcDir {
				return abi.EINVAL
			}
		}
	}
	dst := nd.find(newName)
	if dst == src {
		if src.name == newName {
			return nil
		}
		dst = nil // a change of case only
	}
	if dst != nil {
		dstDir, dstIsDir := dst.n.(*dir)
		switch {
		case srcIsDir && !dstIsDir:
			return abi.ENOTDIR
		case !srcIsDir && dstIsDir:
			return abi.EISDIR
		case dstIsDir:
			if empty, err := dstDir.isEmpty(); err != nil {
				return err
			} else if !empty {
				return abi.ENOTEMPTY
			}
		}
		if err := nd.remove(dst); err != nil {
			return err
		}
		fs.releaseData(dst.n)
	}
	// Remove the old name first so that its slots and short name are
	// free to reuse; put it back if the new one cannot be made.
	old := *src
	oldSlot := sn.slot
	oldRaw := sn.raw
	if err := d.remove(src); err != nil {
		return err
	}
	if _, err := nd.add(newName, src.n); err != nil {
		// Restore the old entry in place (its slots were just freed).
		var all []byte
		if old.nslots > 1 {
			all = lfnEntries(old.name, checksum(old.short[:]))
		}
		all = append(all, oldRaw[:]...)
		if len(all)/32 == old.nslots && d.writeSlots(old.slot, all) == nil {
			for i := old.slot; i < old.slot+old.nslots; i++ {
				d.slots[i] = slotUsed
			}
			sn.parent, sn.slot, sn.gone, sn.raw = d, oldSlot, false, oldRaw
			d.shorts[old.short] = true
			i, _ := slices.BinarySearchFunc(d.ents, old.slot, func(e *dirent, at int) int { return e.slot - at })
			d.ents = slices.Insert(d.ents, i, &old)
		}
		return err
	}
	if srcIsDir && nd != d {
		// Point ".." at the new parent (cluster 0 for the root).
		pc := nd.first
		if nd.parent == nil {
			pc = 0
		}
		var b [4]byte
		off, err := srcDir.slotOff(1)
		if err != nil {
			return err
		}
		binary.LittleEndian.PutUint16(b[0:], uint16(pc>>16))
		if err := fs.c.WriteAt(b[0:2], off+20); err != nil {
			return abi.EIO
		}
		binary.LittleEndian.PutUint16(b[2:], uint16(pc))
		if err := fs.c.WriteAt(b[2:4], off+26); err != nil {
			return abi.EIO
		}
	}
	now := fs.now()
	d.mtime = now
	d.writeEntry()
	if nd != d {
		nd.mtime = now
		nd.writeEntry()
	}
	return nil
}
