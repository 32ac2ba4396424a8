package fat32_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sos/internal/abi"
	"sos/internal/blk"
	"sos/internal/fs/fat32"
	"sos/internal/vfs"
)

// smallTree is what the small images hold.
var smallTree = map[string][]byte{
	"a.txt":                   []byte("first file\n"),
	"Long File Name.text":     pattern(2500, 1), // three clusters
	"dir/":                    nil,
	"dir/inner file name.bin": pattern(700, 2),
	"dir/sub/":                nil,
	"dir/sub/z":               []byte("z"),
	"empty":                   {},
}

// smallImage returns a 256 KiB FAT32 image (about 250 clusters of
// 1 KiB) made by mkfs.fat and filled by SOS (mtools takes a volume this
// small for FAT16), checked clean by fsck.fat.
func smallImage(t testing.TB) []byte {
	t.Helper()
	img := filepath.Join(t.TempDir(), "small.img")
	run(t, "mkfs.fat", "-F", "32", "-s", "2", "-S", "512", "-R", "4", "-n", "SMALL", "-C", img, "256")
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	var names []string
	for p := range smallTree {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		if p[len(p)-1] == '/' {
			if err := ns.Mkdir(ctx, fsc, nil, p[:len(p)-1], 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFile(t, ns, fsc, p, smallTree[p])
	}
	if err := fs.Unmount(); err != nil {
		t.Fatal(err)
	}
	dev.Close()
	fsck(t, img)
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exercise mounts image and does everything a program could: walks
// every directory, reads every file, writes, renames, removes, syncs and
// unmounts. It must never panic or hang; it returns the mount error and
// how many operations failed with EIO.
func exercise(image []byte) (mountErr error, eio int) {
	dev := blk.NewMemFrom(512, image)
	fs, err := fat32.Mount(dev, fat32.Options{CacheSize: 64 << 10})
	if err != nil {
		return err, 0
	}
	count := func(err error) {
		if errors.Is(err, abi.EIO) {
			eio++
		}
	}
	var walk func(d vfs.Dir, depth int)
	walk = func(d vfs.Dir, depth int) {
		if depth > 8 { // a corrupt disk may make a directory its own child
			return
		}
		ents, err := d.ReadDir(ctx, 0, 0)
		count(err)
		for _, e := range ents {
			n, err := d.Lookup(ctx, e.Name)
			count(err)
			if err != nil {
				continue
			}
			n.Attr()
			switch n := n.(type) {
			case vfs.Dir:
				walk(n, depth+1)
			case vfs.Opener:
				ops, err := n.Open(ctx, abi.O_RDONLY)
				count(err)
				if err != nil {
					continue
				}
				buf := make([]byte, 4096)
				for off := int64(0); off < 1<<20; {
					k, err := ops.Read(ctx, buf, off)
					count(err)
					if k == 0 || err != nil {
						break
					}
					off += int64(k)
				}
				ops.Release()
			}
		}
	}
	root := fs.Root().(vfs.WritableDir)
	walk(root, 0)
	// Writes: into the root and into every directory found in it.
	dirs := []vfs.WritableDir{root}
	if ents, err := root.ReadDir(ctx, 0, 0); err == nil {
		for _, e := range ents {
			if n, err := root.Lookup(ctx, e.Name); err == nil {
				if d, ok := n.(vfs.WritableDir); ok {
					dirs = append(dirs, d)
				}
				if s, ok := n.(vfs.Setattrer); ok {
					sz := int64(100)
					count(s.SetAttr(ctx, vfs.SetAttr{Size: &sz}))
				}
			}
		}
	}
	for _, d := range dirs {
		n, err := d.Create(ctx, "new file with a long name.txt", 0o644)
		count(err)
		if err == nil {
			if ops, err := n.(vfs.Opener).Open(ctx, abi.O_RDWR); err == nil {
				_, err := ops.Write(ctx, pattern(3000, 9), 0)
				count(err)
				ops.Release()
			}
		}
		_, err = d.Mkdir(ctx, "newdir", 0o755)
		count(err)
		count(d.Rename(ctx, "new file with a long name.txt", root, "renamed.txt"))
		count(d.Unlink(ctx, "a.txt"))
		count(d.Rmdir(ctx, "sub"))
		count(d.Rename(ctx, "newdir", root, "moved dir"))
	}
	count(fs.Sync())
	count(fs.Unmount())
	return nil, eio
}

// geometry of a test image, for aiming corruption.
type geo struct {
	bps, spc, rsvd, fatSz, nfats, dataOff int
	img                                   []byte
}

func geoOf(img []byte) geo {
	le := binary.LittleEndian
	g := geo{bps: int(le.Uint16(img[11:])), spc: int(img[13]), rsvd: int(le.Uint16(img[14:])),
		nfats: int(img[16]), fatSz: int(le.Uint32(img[36:])), img: img}
	g.dataOff = (g.rsvd + g.nfats*g.fatSz) * g.bps
	return g
}

// setFAT sets cluster c's entry in every FAT copy.
func (g geo) setFAT(c int, v uint32) {
	for i := range g.nfats {
		binary.LittleEndian.PutUint32(g.img[(g.rsvd+i*g.fatSz)*g.bps+c*4:], v)
	}
}

func (g geo) cluster(c int) []byte {
	cs := g.bps * g.spc
	return g.img[g.dataOff+(c-2)*cs:][:cs]
}

// entry finds the short entry whose name starts with prefix in the
// directory at cluster c (one cluster is enough in the small image).
func (g geo) entry(t *testing.T, c int, prefix string) []byte {
	t.Helper()
	d := g.cluster(c)
	for i := 0; i < len(d); i += 32 {
		if d[i+11] != 0x0F && bytes.HasPrefix(d[i:i+11], []byte(prefix)) {
			return d[i : i+32]
		}
	}
	t.Fatalf("no entry %q in cluster %d", prefix, c)
	return nil
}

func firstCluster(e []byte) int {
	return int(binary.LittleEndian.Uint16(e[20:]))<<16 | int(binary.LittleEndian.Uint16(e[26:]))
}

// TestCorruptImages corrupts the boot sector, the FAT, directory entries
// and cluster chains in many ways: each is refused at mount with a
// reason, or gives EIO on the damaged parts while the rest works.
func TestCorruptImages(t *testing.T) {
	base := smallImage(t)
	if err, eio := exercise(base); err != nil || eio != 0 {
		t.Fatalf("the intact image: mount %v, %d EIO", err, eio)
	}
	le := binary.LittleEndian
	type corruption struct {
		name    string
		mangle  func(t *testing.T, g geo)
		refused bool     // Mount must fail
		eio     bool     // some operation must give EIO
		intact  []string // files that must still read correctly
	}
	bootField := func(off int, v ...byte) func(*testing.T, geo) {
		return func(_ *testing.T, g geo) { copy(g.img[off:], v) }
	}
	cases := []corruption{
		{name: "no signature", mangle: bootField(510, 0, 0), refused: true},
		{name: "no jump", mangle: bootField(0, 0), refused: true},
		{name: "bytes per sector 0", mangle: bootField(11, 0, 0), refused: true},
		{name: "bytes per sector 4096", mangle: bootField(11, 0, 0x10), refused: true},
		{name: "sectors per cluster 0", mangle: bootField(13, 0), refused: true},
		{name: "sectors per cluster 3", mangle: bootField(13, 3), refused: true},
		{name: "sectors per cluster 128", mangle: bootField(13, 128)}, // mounts: garbage, but no panic
		{name: "no reserved sectors", mangle: bootField(14, 0, 0), refused: true},
		{name: "no FATs", mangle: bootField(16, 0), refused: true},
		{name: "FAT16 root entries", mangle: bootField(17, 0, 2), refused: true},
		{name: "FAT size 0", mangle: bootField(36, 0, 0, 0, 0), refused: true},
		{name: "FAT size huge", mangle: bootField(36, 0xFF, 0xFF, 0xFF, 0x7F), refused: true},
		{name: "FAT too small", mangle: bootField(36, 1, 0, 0, 0), refused: true},
		{name: "volume larger than device", mangle: bootField(19, 0, 0xF0), refused: true},
		{name: "volume larger than device (32-bit count)", mangle: func(t *testing.T, g geo) {
			bootField(19, 0, 0)(t, g)
			bootField(32, 0, 0, 0x10, 0)(t, g)
		}, refused: true},
		{name: "root cluster 0", mangle: bootField(44, 0, 0, 0, 0), refused: true},
		{name: "root cluster out of range", mangle: bootField(44, 0xFF, 0xFF, 0, 0), refused: true},
		{name: "FAT version 1.0", mangle: bootField(42, 0, 1), refused: true},
		{name: "active FAT out of range", mangle: bootField(40, 0x87, 0), refused: true},
		{name: "root chain free", mangle: func(_ *testing.T, g geo) { g.setFAT(2, 0) }, refused: true},
		{name: "root chain loops", mangle: func(_ *testing.T, g geo) { g.setFAT(2, 2) }, refused: true},
		{name: "root chain out of range", mangle: func(_ *testing.T, g geo) { g.setFAT(2, 100000) }, refused: true},
		{name: "root chain bad cluster", mangle: func(_ *testing.T, g geo) { g.setFAT(2, 0x0FFFFFF7) }, refused: true},
		{name: "FSInfo garbage", mangle: func(_ *testing.T, g geo) {
			copy(g.img[512:], bytes.Repeat([]byte{0xAB}, 512))
		}, intact: []string{"a.txt", "dir/sub/z"}},
		{name: "FSInfo wrong counts", mangle: func(_ *testing.T, g geo) {
			le.PutUint32(g.img[512+488:], 7)
			le.PutUint32(g.img[512+492:], 0xFFFFFFF0)
		}, intact: []string{"a.txt", "Long File Name.text"}},
	}
	// Chains of the three-cluster file.
	fileCase := func(name string, f func(g geo, first int)) corruption {
		return corruption{name: name, eio: true, intact: []string{"a.txt", "dir/inner file name.bin", "dir/sub/z"},
			mangle: func(t *testing.T, g geo) { f(g, firstCluster(g.entry(t, 2, "LONGFI~1TEX"))) }}
	}
	cases = append(cases,
		fileCase("file chain loops", func(g geo, c int) { g.setFAT(c+1, uint32(c)) }),
		fileCase("file chain self loop", func(g geo, c int) { g.setFAT(c, uint32(c)) }),
		fileCase("file chain out of range", func(g geo, c int) { g.setFAT(c, 0x00FFFFFF) }),
		fileCase("file chain into a free cluster", func(g geo, c int) { g.setFAT(c, 400) }),
		fileCase("file chain to cluster 1", func(g geo, c int) { g.setFAT(c, 1) }),
		fileCase("file chain bad cluster", func(g geo, c int) { g.setFAT(c+1, 0x0FFFFFF7) }),
		fileCase("file chain too short for size", func(g geo, c int) { g.setFAT(c, 0x0FFFFFFF) }),
		corruption{name: "file first cluster out of range", eio: true, intact: []string{"a.txt", "dir/sub/z"},
			mangle: func(t *testing.T, g geo) { le.PutUint16(g.entry(t, 2, "LONGFI~1TEX")[26:], 0xFFF0) }},
		corruption{name: "file size beyond its chain", eio: true, intact: []string{"a.txt", "dir/sub/z"},
			mangle: func(t *testing.T, g geo) { le.PutUint32(g.entry(t, 2, "LONGFI~1TEX")[28:], 0xFFFFFFF0) }},
		corruption{name: "file with size but no cluster", eio: true, intact: []string{"Long File Name.text"},
			mangle: func(t *testing.T, g geo) {
				e := g.entry(t, 2, "A       TXT")
				le.PutUint16(e[26:], 0)
				le.PutUint16(e[20:], 0)
			}},
		corruption{name: "directory with cluster 0", eio: true, intact: []string{"a.txt", "Long File Name.text"},
			mangle: func(t *testing.T, g geo) { e := g.entry(t, 2, "DIR"); le.PutUint16(e[26:], 0); le.PutUint16(e[20:], 0) }},
		corruption{name: "directory chain loops", eio: false, intact: []string{"a.txt"},
			mangle: func(t *testing.T, g geo) { c := firstCluster(g.entry(t, 2, "DIR")); g.setFAT(c, uint32(c)) }},
		corruption{name: "directory is its own child", intact: []string{"a.txt"},
			mangle: func(t *testing.T, g geo) {
				c := firstCluster(g.entry(t, 2, "DIR"))
				sub := g.entry(t, c, "SUB")
				le.PutUint16(sub[26:], uint16(c))
			}},
		corruption{name: "LFN checksum wrong: short name shows", intact: []string{"a.txt", "LONGFI~1.TEX"},
			mangle: func(t *testing.T, g geo) {
				d := g.cluster(2)
				for i := 0; i < len(d); i += 32 {
					if d[i+11] == 0x0F {
						d[i+13] ^= 0xFF
					}
				}
			}},
		corruption{name: "garbage directory entries", intact: []string{"a.txt"},
			mangle: func(t *testing.T, g geo) {
				c := firstCluster(g.entry(t, 2, "DIR"))
				copy(g.cluster(c)[64:], bytes.Repeat([]byte{0x41, 0x0F, 0x40, 0xFF, 0x00, 0x2F}, 60))
			}},
	)
	// The whole FAT and whole directories as noise: never a panic.
	for seed := range 8 {
		cases = append(cases, corruption{name: "FAT noise " + itoa(seed), mangle: func(_ *testing.T, g geo) {
			fat := g.img[g.rsvd*g.bps : (g.rsvd+g.nfats*g.fatSz)*g.bps]
			noise := pattern(len(fat), byte(seed))
			for i := 8; i < len(fat); i++ { // keep entries 0 and 1
				if noise[i]&1 == 0 {
					fat[i] = noise[i]
				}
			}
		}})
		cases = append(cases, corruption{name: "directory noise " + itoa(seed), mangle: func(t *testing.T, g geo) {
			c := firstCluster(g.entry(t, 2, "DIR"))
			copy(g.cluster(c)[64:], pattern(g.bps*g.spc-64, byte(seed)))
		}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := append([]byte(nil), base...)
			tc.mangle(t, geoOf(img))
			mountErr, eio := exercise(img)
			if tc.refused {
				if mountErr == nil {
					t.Fatal("mounted")
				}
				t.Logf("refused: %v", mountErr)
				return
			}
			if mountErr != nil {
				if tc.intact != nil || tc.eio {
					t.Fatalf("refused: %v", mountErr)
				}
				return
			}
			if tc.eio && eio == 0 {
				t.Error("no operation gave EIO")
			}
			// What was not damaged still reads back.
			img = append([]byte(nil), base...)
			tc.mangle(t, geoOf(img))
			fs, err := fat32.Mount(blk.NewMemFrom(512, img), fat32.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer fs.Unmount()
			ns, fsc := newNS(fs)
			for _, p := range tc.intact {
				want, ok := smallTree[p]
				got := readFile(t, ns, fsc, p)
				if ok && !bytes.Equal(got, want) {
					t.Errorf("%s: read %d bytes, want %d", p, len(got), len(want))
				}
			}
		})
	}
}

// TestMutatedImages is a deterministic fuzzer: a few thousand random
// mutations of a real image (anywhere, in the boot sector, in the FATs,
// truncations), each mounted and used. None may panic or hang.
func TestMutatedImages(t *testing.T) {
	base := smallImage(t)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		img := append([]byte(nil), base...)
		for k := rng.IntN(20) + 1; k > 0; k-- {
			switch rng.IntN(4) {
			case 0:
				img[rng.IntN(len(img))] = byte(rng.Uint32())
			case 1:
				img[rng.IntN(min(8192, len(img)))] = byte(rng.Uint32())
			case 2:
				img[rng.IntN(min(90, len(img)))] = byte(rng.Uint32())
			case 3:
				if rng.IntN(4) == 0 && len(img) > 1024 {
					img = img[:512+rng.IntN(len(img)-512)]
				}
			}
		}
		exercise(img)
	}
}

// FuzzMount mounts arbitrary images and uses them: never a panic or a
// hang. Seeded with real images: mkfs.fat's, empty and filled by SOS.
// Plain `go test` runs the seeds; to fuzz:
//
//	go test -run '^$' -fuzz FuzzMount -fuzztime 1m -fuzzminimizetime 5s ./internal/fs/fat32/
//
// (Minimizing a 256 KiB input takes long, hence the bound.)
func FuzzMount(f *testing.F) {
	empty := filepath.Join(f.TempDir(), "empty.img")
	run(f, "mkfs.fat", "-F", "32", "-s", "1", "-S", "512", "-R", "2", "-f", "1", "-C", empty, "64")
	b, err := os.ReadFile(empty)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(smallImage(f))
	f.Fuzz(func(t *testing.T, image []byte) {
		if len(image) < 512 || len(image) > 1<<20 {
			return
		}
		exercise(image)
	})
}
