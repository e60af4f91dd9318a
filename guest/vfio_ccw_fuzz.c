// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded channel-program fuzzer for vfio-ccw.
 *
 *   vfio_ccw_fuzz [-S SCH] [-s SEED] [-n COUNT] [-i INDEX] [-v] [-x]
 *
 * Binds SCH (default 0.0.0001) to vfio_ccw, opens one mdev through the VFIO
 * group API and writes COUNT random channel programs through its I/O region,
 * some of them followed at once by HALT or CLEAR through the async command
 * region. Program INDEX of SEED is a pure function of (SEED, INDEX): -i INDEX
 * replays exactly that one program, verbosely. -x leaves out the programs
 * whose SCSW names no function (see "nostart" below).
 *
 * The DMA window is WIN_PAGES pages at WIN_IOVA with page HOLE_PAGE not
 * mapped. Each program rewrites the whole window: CCWs (format 0 or 1, every
 * flag bit, TIC chains and loops, chains longer than 255), IDALs and data.
 *
 * Oracle per program:
 *  - a write fails with an errno documented for its region
 *    (Documentation/s390/vfio-ccw.rst), anything else is "unexpected";
 *  - an accepted start, halt or clear is followed by its interrupt within
 *    WAIT_MS; a program that may suspend (ORB suspend control and a CCW with
 *    the S flag) may end without one if the subchannel shows the suspended
 *    state, and is then cleared, which must interrupt;
 *  - with -V (the channel path is varied off and on under the run), a start
 *    may also end in the status of a halt the driver issued: vfio-ccw halts
 *    the I/O of a path taken away (vfio_ccw_chp_event()), and QEMU's halt
 *    status names the halt function alone; counted as "halted";
 *  - anything else missing is "lost" (program printed, csch tried, then the
 *    device is closed and reopened); an interrupt beyond those is "stray";
 *  - a write whose SCSW names no function that returns success is
 *    "nostart": the driver said yes to a request it did not carry out.
 * After the loop a fresh mdev must still run SENSE ID (control unit 3832)
 * and the subchannel must come back online under io_subchannel.
 *
 * Safety: QEMU's virtio-ccw executes what vfio-ccw translated. The data of
 * SET_VQ, SET_IND, SET_CONF_IND and SET_IND_ADAPTER carry guest-physical
 * addresses that QEMU keeps and writes to later (rings, indicators): random
 * data there would make the emulated device write into the memory of the
 * guest running this test, not exercise the driver under test. Every CCW
 * vfio-ccw will copy is found by replaying its chain discovery here, and
 * those commands are turned into NOP (0x03). QEMU runs a channel program
 * synchronously inside SSCH: a TIC loop that never ends would stop the vCPU
 * for good, so a loop is cut by setting MIDA on one of its CCWs (a channel
 * program check in QEMU, ignored by vfio-ccw's translation).
 */
#include <sys/utsname.h>

#include "rig.h"

#define UUID "f022f022-0000-4000-8000-00000000f022"
#define UUID2 "f022f022-0000-4000-8000-00000000f023"
#define WIN_IOVA 0x10000ULL
#define WIN_PAGES 16
#define PG 4096
#define WIN_SIZE (WIN_PAGES * PG)
#define HOLE_PAGE 9
#define HOLE_IOVA (WIN_IOVA + HOLE_PAGE * PG)
#define OUTSIDE_IOVA 0x200000ULL
#define IDAL_AREA 0x4000	/* window offsets */
#define DATA_AREA 0x6000
#define CHAIN2_AREA 0x3000
#define WAIT_MS 5000
#define SETTLE_MS 100
#define MAXCCW 300
#define CHAIN_LEN_MAX 256	/* CCWCHAIN_LEN_MAX of vfio_ccw_cp.h */
#define CHAIN_COUNT_MAX 16	/* CCWCHAIN_COUNT_MAX */
#define TODO_ONE_IRB " # TODO vfio-ccw keeps one IRB per subchannel (not fixed)"

/* ORB word 1 (Principles of Operation, figure 15-21) */
#define ORB_KEY(k) ((uint32_t)(k) << 28)
#define ORB_SPND (1u << 27)
#define ORB_STR (1u << 26)
#define ORB_MOD (1u << 25)
#define ORB_SYNC (1u << 24)
#define ORB_FMT (1u << 23)
#define ORB_PFCH (1u << 22)
#define ORB_ISIC (1u << 21)
#define ORB_ALCC (1u << 20)
#define ORB_SSIC (1u << 19)
#define ORB_TM_B (1u << 18)	/* transport-mode ORB's B bit */
#define ORB_C64 (1u << 17)
#define ORB_I2K (1u << 16)
#define ORB_LPM(m) ((uint32_t)(m) << 8)
#define ORB_ILS (1u << 7)
#define ORB_MIDA (1u << 6)
#define ORB_RSVD 0x3eu
#define ORB_X 1u

/* CCW flags */
#define F_CD 0x80
#define F_CC 0x40
#define F_SLI 0x20
#define F_SKP 0x10
#define F_PCI 0x08
#define F_IDA 0x04
#define F_S 0x02
#define F_MIDA 0x01

/* SCSW word 0 */
#define FC_START 0x4000
#define FC_HALT 0x2000
#define FC_CLEAR 0x1000
#define AC_SUSP 0x0020
#define SC_ALERT 0x10
#define SC_PRIM 0x08
#define SC_SEC 0x04
#define SC_INTER 0x02
#define SC_PEND 0x01

#define CMD_NOP 0x03
#define CMD_TIC 0x08

static const uint8_t dev_cmds[] = {
	0x03, 0x04, 0xe4,			/* NOP, SENSE, SENSE ID */
	0x11, 0x12, 0x21, 0x22, 0x31, 0x32,	/* virtio-ccw */
	0x33, 0x72, 0x83,
	0x13, 0x43, 0x53, 0x73,			/* unsafe: become NOP */
};

static int unsafe_cmd(uint8_t cmd)
{
	return cmd == 0x13 || cmd == 0x43 || cmd == 0x53 || cmd == 0x73;
}

/* ---- per-program PRNG: state derived from (seed, index) ---- */
static uint64_t rs;

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd64(void)
{
	rs += 0x9e3779b97f4a7c15ULL;
	return mix64(rs);
}

static uint32_t rnd(uint32_t n)	/* 0..n-1 */
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static int pct(int p)
{
	return (int)rnd(100) < p;
}

/* ---- one program ---- */
struct prog {
	uint64_t seed, index;
	uint32_t intparm, w1, cpa, scsw0, ret_code;
	int wlen;		/* bytes written to the I/O region */
	int nasync;
	uint32_t async[2];
	int may_suspend;	/* ORB suspend control and an S flag in a chain */
	int nostart;		/* the SCSW names no function */
	int patched_unsafe, cut_loops;
	int unpin_unpinned;	/* see predict_unpin_warn() */
	int unsafe;		/* reaches below the window: not run, see pinnable() */
	uint8_t img[WIN_SIZE];	/* the window, page HOLE_PAGE included */
	/* chains as vfio-ccw will find them */
	int nchains, cp_refused;
	uint32_t ch_head[CHAIN_COUNT_MAX + 1];
	int ch_len[CHAIN_COUNT_MAX + 1];
	struct ccw1 ch[CHAIN_COUNT_MAX + 1][CHAIN_LEN_MAX];
};

static struct prog P;

/*
 * Can vfio-ccw pin the page-array entry at @x? It asks type1 for the page at
 * @x, which need not be page aligned: vfio_iommu_type1_pin_pages() looks for
 * a mapping overlapping [x, x + PAGE_SIZE) and pins the user page at
 * dma->vaddr + (x - dma->iova). So an unaligned address in an unmapped page
 * just below a mapping (the hole, or the page below the window) is pinned
 * through the mapping above it: the user page there is pinned although that
 * IOVA was never mapped. Our window is one contiguous mmap, so that page is
 * the window's own hole page; below the window it would be whatever the
 * process has there, so the generator never makes such an address (-1 here:
 * not safe to run).
 */
static int pinnable(uint64_t x)
{
	int m1 = x < HOLE_IOVA && x + PG > WIN_IOVA;
	int m2 = x < WIN_IOVA + WIN_SIZE && x + PG > HOLE_IOVA + PG;

	if (!m1 && !m2)
		return 0;
	return x >= WIN_IOVA ? 1 : -1;
}

/* Would copy_from_iova()/page_array_pin() of @len bytes at @iova succeed? */
static int mapped(uint64_t iova, uint64_t len)
{
	uint64_t nr, i;

	if (!len)
		len = 1;
	nr = ((iova & (PG - 1)) + len + PG - 1) / PG;
	for (i = 0; i < nr; i++) {
		int r = pinnable(iova + i * PG);

		if (r < 0) {
			/*
			 * The kernel would pin whatever this process has below
			 * the window: the program is skipped, not run.
			 */
			P.unsafe = 1;
			return 0;
		}
		if (!r)
			return 0;
	}
	return 1;
}

static uint8_t *at(uint64_t iova)
{
	return P.img + (iova - WIN_IOVA);
}

static uint32_t data_addr(void)
{
	uint32_t r = rnd(100);

	if (r < 55)
		return WIN_IOVA + DATA_AREA + rnd(WIN_SIZE - DATA_AREA);
	if (r < 63)
		return HOLE_IOVA + rnd(PG);
	if (r < 70)
		return HOLE_IOVA - 1 - rnd(64);	/* runs into the hole */
	if (r < 76)
		return OUTSIDE_IOVA + rnd(PG);
	if (r < 80)
		return 0;
	if (r < 84)
		return WIN_IOVA + WIN_SIZE - 1 - rnd(64);	/* runs off the end */
	if (r < 90)
		return WIN_IOVA + rnd(DATA_AREA);	/* over CCWs, IDALs */
	if (r < 95)
		return (WIN_IOVA + DATA_AREA + rnd(WIN_SIZE - DATA_AREA)) & ~0xfffu;
	r = (uint32_t)rnd64();
	return r >= WIN_IOVA - PG && r < WIN_IOVA ? OUTSIDE_IOVA : r;
}

static uint16_t ccw_count(uint8_t cmd)
{
	static const uint16_t sizes[] = { 1, 4, 7, 8, 12, 32, 256, 2048, 4096 };
	uint32_t r = rnd(100);

	if (r < 30) {
		switch (cmd) {
		case 0xe4: return pct(50) ? 7 : 256;
		case 0x04: return 32;
		case 0x11: case 0x12: return 8;
		case 0x31: case 0x72: return 1;
		case 0x32: return 4;
		case 0x83: return 4;
		default: return sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];
		}
	}
	if (r < 45)
		return 0;
	if (r < 55)
		return 4096 + rnd(65536 - 4096);
	if (r < 65)
		return sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];
	return 1 + rnd(600);
}

/* An IDAL for @count bytes, at window offset @off; returns its IOVA. */
static uint32_t make_idal(uint32_t off, uint16_t count)
{
	uint64_t first = data_addr(), a;
	int n, i;

	if (pct(30))
		first &= ~0xfffULL;
	n = (int)(((first & 0xfff) + (count ? count : 1) + 0xfff) >> 12);
	if (pct(10))
		n += 1 + rnd(3);
	for (i = 0, a = first; i < n && off + 8 * (i + 1) <= IDAL_AREA + 0x2000; i++) {
		uint64_t w = a;

		if (i && pct(5))
			w = data_addr();	/* anywhere, maybe unaligned */
		memcpy(P.img + off + 8 * i, &w, 8);
		a = (a & ~0xfffULL) + PG;
	}
	return WIN_IOVA + off;
}

static void put_ccw(uint32_t off, int fmt1, uint8_t cmd, uint8_t flags, uint16_t count,
		    uint32_t cda)
{
	uint8_t *p = P.img + off;

	p[0] = cmd;
	if (fmt1) {
		p[1] = flags;
		memcpy(p + 2, &count, 2);
		memcpy(p + 4, &cda, 4);
	} else {
		p[1] = cda >> 16;
		p[2] = cda >> 8;
		p[3] = cda;
		p[4] = flags;
		p[5] = pct(3) ? (uint8_t)rnd(256) : 0;
		memcpy(p + 6, &count, 2);
	}
}

/* Fill area at window offset @base with @n CCWs; TICs target @tic_lo..hi. */
static void gen_ccws(uint32_t base, int n, int fmt1, int c64, uint32_t *idal_off)
{
	int i;

	for (i = 0; i < n; i++) {
		uint8_t cmd, flags = 0;
		uint16_t count;
		uint32_t cda, r = rnd(100);

		if (r < 50)
			cmd = dev_cmds[rnd(sizeof(dev_cmds))];
		else if (r < 62)
			cmd = CMD_TIC;
		else
			cmd = (uint8_t)rnd(256);
		if (cmd == CMD_TIC || (!fmt1 && (cmd & 0x0f) == CMD_TIC)) {
			uint32_t t = rnd(100);

			if (t < 35 && i)	/* back: a loop */
				cda = WIN_IOVA + base + 8 * rnd(i + 1);
			else if (t < 60)	/* forward in this chain */
				cda = WIN_IOVA + base + 8 * (i + 1 + rnd(4));
			else if (t < 75)	/* another chain */
				cda = WIN_IOVA + CHAIN2_AREA + 8 * rnd(64);
			else if (t < 82)
				cda = WIN_IOVA + base + 8 * rnd(n) + 4;
			else if (t < 88)
				cda = HOLE_IOVA + 8 * rnd(PG / 8);
			else if (t < 93)
				cda = OUTSIDE_IOVA;
			else if (t < 96)
				cda = 0;
			else
				cda = WIN_IOVA + DATA_AREA + 8 * rnd((WIN_SIZE - DATA_AREA) / 8);
			if (fmt1 && pct(10))
				flags = (uint8_t)rnd(256);
			count = fmt1 && pct(10) ? (uint16_t)rnd(65536) : 0;
			put_ccw(base + 8 * i, fmt1, cmd, flags, count, cda);
			continue;
		}
		if (pct(i + 1 < n ? 75 : 8))
			flags |= F_CC;
		if (pct(6))
			flags |= F_CD;
		if (pct(40))
			flags |= F_SLI;
		if (pct(6))
			flags |= F_SKP;
		if (pct(6))
			flags |= F_PCI;
		if (pct(c64 ? 30 : 5))
			flags |= F_IDA;
		if (pct(5))
			flags |= F_S;
		if (pct(2))
			flags |= F_MIDA;
		count = ccw_count(cmd);
		if ((flags & F_IDA) && *idal_off + 8 <= IDAL_AREA + 0x2000 && pct(92)) {
			cda = make_idal(*idal_off, count);
			*idal_off += 8 * (((count + 0xfff) >> 12) + 5);
			if (pct(5))
				cda += 4;	/* misaligned IDAL */
		} else {
			cda = data_addr();
		}
		if (!fmt1)
			cda &= 0xffffff;
		put_ccw(base + 8 * i, fmt1, cmd, flags, count, cda);
	}
}

/* ---- vfio-ccw's chain discovery (vfio_ccw_cp.c), replayed ---- */
static int read_ccws(uint32_t cda, struct ccw1 *out, int fmt1)
{
	int i;

	if (!mapped(cda, CHAIN_LEN_MAX * 8))
		return -EINVAL;
	memcpy(out, at(cda), CHAIN_LEN_MAX * 8);
	if (fmt1)
		return 0;
	for (i = 0; i < CHAIN_LEN_MAX; i++) {
		uint8_t *p = (uint8_t *)&out[i];
		struct ccw1 c;

		if ((p[0] & 0x0f) == CMD_TIC) {
			c.cmd = CMD_TIC;
			c.flags = 0;
			c.count = 0;
		} else {
			c.cmd = p[0];
			c.flags = p[4];
			memcpy(&c.count, p + 6, 2);
		}
		c.cda = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		out[i] = c;
	}
	return 0;
}

static int in_range(uint32_t cpa, uint32_t head, int len)
{
	return head <= cpa && cpa <= head + (uint32_t)(len - 1) * 8;
}

static int is_chain(const struct ccw1 *c)
{
	return c->flags & (F_CC | F_CD);
}

static int handle_chain(uint32_t cda, int fmt1, int idal_ok);

static int find_chain(uint32_t cpa)
{
	int c;

	for (c = 0; c < P.nchains; c++)
		if (in_range(cpa, P.ch_head[c], P.ch_len[c]))
			return c;
	return -1;
}

static int handle_chain(uint32_t cda, int fmt1, int idal_ok)
{
	static struct ccw1 buf[CHAIN_LEN_MAX];
	int len, i, c, ret;

	ret = read_ccws(cda, buf, fmt1);
	if (ret)
		return ret;
	for (len = 1; len <= CHAIN_LEN_MAX; len++) {
		struct ccw1 *x = &buf[len - 1];

		if (!idal_ok && (x->flags & F_IDA))
			return -EOPNOTSUPP;
		if (!is_chain(x) && !(x->cmd == CMD_TIC && in_range(x->cda, cda, len)))
			break;
	}
	if (len > CHAIN_LEN_MAX)
		return -EINVAL;
	if (P.nchains >= CHAIN_COUNT_MAX)
		return -EINVAL;
	c = P.nchains++;
	P.ch_head[c] = cda;
	P.ch_len[c] = len;
	memcpy(P.ch[c], buf, len * 8);
	for (i = 0; i < len; i++) {
		if (P.ch[c][i].cmd != CMD_TIC || find_chain(P.ch[c][i].cda) >= 0)
			continue;
		ret = handle_chain(P.ch[c][i].cda, fmt1, idal_ok);
		if (ret)
			return ret;
	}
	return 0;
}

/* Offset of the flags byte of CCW @i of chain @c in the window image. */
static uint8_t *flags_byte(int c, int i, int fmt1)
{
	return at(P.ch_head[c] + 8 * i) + (fmt1 ? 1 : 4);
}

/*
 * Walk the program the way QEMU's css would, every command succeeding
 * (the longest path). Returns -1 if it ends, else the chain*256+index of a
 * CCW inside the loop it runs into.
 */
static int find_loop(void)
{
	static uint8_t seen[CHAIN_COUNT_MAX + 1][CHAIN_LEN_MAX][2];
	int c = 0, i = 0, last_tic = 0, steps;

	memset(seen, 0, sizeof(seen));
	for (steps = 0; steps < (CHAIN_COUNT_MAX + 1) * CHAIN_LEN_MAX * 2 + 2; steps++) {
		struct ccw1 *x = &P.ch[c][i];

		if (seen[c][i][last_tic])
			return c * CHAIN_LEN_MAX + i;
		seen[c][i][last_tic] = 1;
		if (x->cmd == CMD_TIC) {
			int t;

			if (last_tic || x->flags || x->count)
				return -1;
			t = find_chain(x->cda);
			if (t < 0 || (x->cda - P.ch_head[t]) % 8)
				return -1;
			i = (x->cda - P.ch_head[t]) / 8;
			c = t;
			last_tic = 1;
			continue;
		}
		last_tic = 0;
		if (!(x->cmd & 0x0f) || (x->flags & (F_MIDA | F_S)) || !(x->flags & F_CC))
			return -1;
		if (++i >= P.ch_len[c])
			return -1;	/* cannot happen: CC keeps the chain going */
	}
	return -2;
}

/*
 * Make the program safe to run under QEMU: find the CCWs vfio-ccw will copy,
 * NOP the unsafe commands, cut endless loops. A patched byte may belong to
 * another, overlapping chain: start over after every change.
 */
static void sanitize(int fmt1, int idal_ok)
{
	int c, i, l, k, round, changed;

	for (round = 0; round < 256; round++) {
		P.nchains = 0;
		P.cp_refused = handle_chain(P.cpa, fmt1, idal_ok);
		if (P.cp_refused)
			return;
		changed = 0;
		for (c = 0; c < P.nchains; c++)
			for (i = 0; i < P.ch_len[c]; i++)
				if (unsafe_cmd(P.ch[c][i].cmd)) {
					*at(P.ch_head[c] + 8 * i) = CMD_NOP;
					P.patched_unsafe++;
					changed = 1;
				}
		if (changed)
			continue;
		l = find_loop();
		if (l == -1)
			break;
		if (l == -2)
			fail("program %llu: loop walk did not end", (unsigned long long)P.index);
		c = l / CHAIN_LEN_MAX;
		i = l % CHAIN_LEN_MAX;
		/* walk the loop from (c, i) to its first non-TIC CCW */
		for (k = 0; k < CHAIN_LEN_MAX * 2 && P.ch[c][i].cmd == CMD_TIC; k++) {
			int t = find_chain(P.ch[c][i].cda);

			i = (P.ch[c][i].cda - P.ch_head[t]) / 8;
			c = t;
		}
		*flags_byte(c, i, fmt1) |= F_MIDA;
		P.cut_loops++;
	}
	if (round == 256)
		fail("program %llu: could not make it safe", (unsigned long long)P.index);
	for (c = 0; c < P.nchains; c++)
		for (i = 0; i < P.ch_len[c]; i++)
			/* QEMU tests S before it looks at the command, TIC too */
			if ((P.w1 & ORB_SPND) && (P.ch[c][i].flags & F_S))
				P.may_suspend = 1;
}

/*
 * -L: let the ORB's LPM leave out path 0x80, the only path of QEMU's virtual
 * subchannels. QEMU then makes a deferred cc 3 pending, and sets the SCSW's
 * cc field to 3 for good: nothing in hw/s390x/css.c clears it again, so every
 * later IRB of the subchannel says cc 3, and io_subchannel's recognition
 * (ccwreq_status(): cc 3 is a path error) never brings the device online
 * again after the run. Off by default.
 */
static int any_lpm;

/* -V: the path is varied under the run; see the oracle above */
static int path_varied;

/*
 * ccwchain_fetch_direct() allocates the page array of an IDA CCW from its
 * first IDAW and count, then copies the IDAL; if that copy fails (the IDAL
 * runs into unmapped memory) it goes to out_unpin and page_array_unpin_free()
 * "unpins" every page of the array, none of which it pinned. A page there
 * that is not mapped makes vfio_iommu_type1_unpin_pages() stop early and
 * WARN_ON(i != npage). Flag the programs with such a CCW.
 */
static int predict_unpin_warn(void)
{
	int c, i, n = 0;

	for (c = 0; c < P.nchains; c++)
		for (i = 0; i < P.ch_len[c]; i++) {
			struct ccw1 *x = &P.ch[c][i];
			uint64_t first, nr;

			if (x->cmd == CMD_TIC || !(x->flags & F_IDA) || !mapped(x->cda, 8))
				continue;
			memcpy(&first, at(x->cda), 8);
			nr = ((first & 0xfff) + (x->count ? x->count : 1) + 0xfff) >> 12;
			if (first >= WIN_IOVA - PG && first < WIN_IOVA)
				continue;
			if (!mapped(x->cda, nr * 8) && !mapped(first, x->count ? x->count : 1))
				n++;
		}
	return n;
}

/*
 * Whether vfio-ccw takes an IDAL whatever format the ORB gives its IDAWs.
 * 6.1 refuses a CCW with IDA with EOPNOTSUPP unless the ORB asks for
 * Format-2 IDAWs of 4K blocks (c64 set, i2k clear); 6.12 translates
 * Format-1 and 2K IDALs too (the selftests vfio_ccw.idal_format1 and
 * idal_format2_2k check it). The chain replay of sanitize() must match the
 * kernel: a program that 6.12 runs but a 6.1 replay takes as refused keeps
 * its TIC loops, and QEMU then runs it forever inside SSCH. Set from the
 * running kernel (newer than 6.1: any format), or by -F for -G elsewhere.
 */
static int idal_any_format;

static int kernel_takes_any_idal_format(void)
{
	struct utsname u;
	unsigned int major, minor;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor > 1);
}

static void generate(uint64_t seed, uint64_t index, int no_nostart)
{
	uint32_t r, base, idal_off = IDAL_AREA;
	int fmt1, c64, i2k, n, i;

	memset(&P, 0, sizeof(P));
	P.seed = seed;
	P.index = index;
	rs = mix64(seed * 0x9e3779b97f4a7c15ULL ^ mix64(index + 0x632be59bd9b4e019ULL));

	fmt1 = pct(80);
	c64 = pct(85);
	i2k = pct(8);
	P.intparm = (uint32_t)rnd64();
	P.w1 = ORB_KEY(pct(70) ? 0 : rnd(16)) | ORB_LPM(pct(70) ? 0x80 : pct(30) ? 0 : rnd(256));
	if (!any_lpm && (P.w1 & ORB_LPM(0xff)))
		P.w1 |= ORB_LPM(0x80);
	if (fmt1)
		P.w1 |= ORB_FMT;
	if (c64)
		P.w1 |= ORB_C64;
	if (i2k)
		P.w1 |= ORB_I2K;
	if (pct(90))
		P.w1 |= ORB_PFCH;
	if (pct(15))
		P.w1 |= ORB_SPND;
	if (pct(3))
		P.w1 |= ORB_TM_B;
	r = rnd(100);
	if (r < 3)
		P.w1 |= ORB_STR;
	else if (r < 6)
		P.w1 |= ORB_MOD;
	else if (r < 9)
		P.w1 |= ORB_SYNC;
	else if (r < 12)
		P.w1 |= ORB_ISIC | ORB_SSIC;
	else if (r < 14)
		P.w1 |= ORB_ALCC;
	else if (r < 17)
		P.w1 |= ORB_ILS;
	else if (r < 19)
		P.w1 |= ORB_MIDA;
	else if (r < 21)
		P.w1 |= 1u << (1 + rnd(5));	/* reserved zero bits */
	else if (r < 22)
		P.w1 |= ORB_X;

	/* whatever is not written below is zero: an invalid command */
	r = rnd(100);
	if (r < 3)
		n = 256 + rnd(MAXCCW - 256);
	else if (r < 5)
		n = 250 + rnd(6);
	else if (r < 25)
		n = 9 + rnd(56);
	else
		n = 1 + rnd(8);
	base = n > 64 ? 0 : 8 * rnd((CHAIN2_AREA - 8 * n) / 8);
	gen_ccws(base, n, fmt1, c64, &idal_off);
	/* a second, short chain for TICs into another segment */
	gen_ccws(CHAIN2_AREA, 1 + rnd(8), fmt1, c64, &idal_off);
	if (n > 250) {	/* a long chain: make it really chain */
		for (i = 0; i < n - 1; i++) {
			uint8_t *p = P.img + base + 8 * i;

			if (pct(97)) {
				p[0] = pct(50) ? CMD_NOP : 0xe4;
				p[fmt1 ? 1 : 4] = F_CC | F_SLI;
			}
		}
	}
	/* write data, for the commands that read it */
	for (i = DATA_AREA; i < WIN_SIZE; i += 8) {
		uint64_t v = pct(50) ? 0 : rnd64();

		memcpy(P.img + i, &v, 8);
	}

	r = rnd(100);
	if (r < 85)
		P.cpa = WIN_IOVA + base;
	else if (r < 88)
		P.cpa = WIN_IOVA + base + 4;
	else if (r < 90)
		P.cpa = WIN_IOVA + base + 1 + rnd(7);
	else if (r < 92)
		P.cpa = HOLE_IOVA - 8 * (1 + rnd(8));	/* the 2K copy hits the hole */
	else if (r < 94)
		P.cpa = HOLE_IOVA + 8 * rnd(8);
	else if (r < 96)
		P.cpa = OUTSIDE_IOVA;
	else if (r < 97)
		P.cpa = 0;
	else
		P.cpa = WIN_IOVA + CHAIN2_AREA;

	/* SCSW: the function (word 0) and, now and then, other bits */
	r = rnd(100);
	if (r < 88)
		P.scsw0 = FC_START;
	else if (r < 92)
		P.scsw0 = FC_START | (rnd(4) << 12);
	else if (r < 95)
		P.scsw0 = FC_HALT | (pct(50) ? FC_CLEAR : 0);
	else if (r < 98)
		P.scsw0 = FC_CLEAR;
	else
		P.scsw0 = 0;
	if (pct(5))
		P.scsw0 |= (uint32_t)rnd64() & ~0x7000u;
	if (no_nostart && !(P.scsw0 & 0x7000))
		P.scsw0 |= FC_START;
	P.nostart = !(P.scsw0 & 0x7000);
	P.wlen = sizeof(struct ccw_io_region);
	r = rnd(100);
	if (r < 3)
		P.ret_code = (uint32_t)rnd64();
	else if (r < 5)
		P.wlen = ORB_AREA_SIZE + SCSW_AREA_SIZE;
	r = rnd(100);
	if (r < 14)
		P.async[P.nasync++] = VFIO_CCW_ASYNC_CMD_HSCH;
	else if (r < 28)
		P.async[P.nasync++] = VFIO_CCW_ASYNC_CMD_CSCH;
	else if (r < 31) {
		P.async[P.nasync++] = VFIO_CCW_ASYNC_CMD_HSCH;
		P.async[P.nasync++] = VFIO_CCW_ASYNC_CMD_CSCH;
	} else if (r < 32)
		P.async[P.nasync++] = pct(50) ? 0 : 4 + rnd(1000);
	sanitize(fmt1, idal_any_format || (c64 && !i2k));
	if (!P.cp_refused)
		P.unpin_unpinned = predict_unpin_warn();
}

/* ---- the device ---- */
struct fdev {
	int container, group, device, efd;
	uint64_t io_off, async_off, schib_off;
	int has_async, has_schib;
	uint8_t *win;
};

static void dma_map(int container, void *vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };

	map.vaddr = (uintptr_t)vaddr;
	map.iova = iova;
	map.size = size;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		fail("VFIO_IOMMU_MAP_DMA iova 0x%llx size 0x%llx: %s",
		     (unsigned long long)iova, (unsigned long long)size, strerror(errno));
}

static void find_regions(struct fdev *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned int i;

	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &info))
		fail("VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	for (i = VFIO_CCW_NUM_REGIONS; i < info.num_regions; i++) {
		union {
			struct vfio_region_info ri;
			char b[512];
		} u;
		uint32_t off;

		memset(&u, 0, sizeof(u));
		u.ri.argsz = sizeof(u);
		u.ri.index = i;
		if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &u.ri))
			fail("VFIO_DEVICE_GET_REGION_INFO(%u): %s", i, strerror(errno));
		if (!(u.ri.flags & VFIO_REGION_INFO_FLAG_CAPS) || u.ri.argsz > sizeof(u))
			continue;
		for (off = u.ri.cap_offset; off && off + 16 <= sizeof(u);) {
			struct vfio_region_info_cap_type *t = (void *)(u.b + off);

			if (t->header.id == VFIO_REGION_INFO_CAP_TYPE &&
			    t->type == VFIO_REGION_TYPE_CCW) {
				if (t->subtype == VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD) {
					d->async_off = u.ri.offset;
					d->has_async = 1;
				} else if (t->subtype == VFIO_REGION_SUBTYPE_CCW_SCHIB) {
					d->schib_off = u.ri.offset;
					d->has_schib = 1;
				}
			}
			off = t->header.next;
		}
	}
}

static void dev_open(struct fdev *d, const char *uuid)
{
	struct vfio_region_info region = { .argsz = sizeof(region) };
	struct rig_dev rd = { 0 };

	memset(d, 0, sizeof(*d));
	vfio_group_setup(uuid, &d->container, &d->group);
	d->win = mmap(NULL, WIN_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->win == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	memset(d->win, 0, WIN_SIZE);	/* fault every page in */
	/* two mappings around the hole: type1v2 cannot unmap part of one */
	dma_map(d->container, d->win, WIN_IOVA, HOLE_PAGE * PG);
	dma_map(d->container, d->win + (HOLE_PAGE + 1) * PG, HOLE_IOVA + PG,
		(WIN_PAGES - HOLE_PAGE - 1) * PG);
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (d->device < 0)
		fail("VFIO_GROUP_GET_DEVICE_FD: %s", strerror(errno));
	region.index = VFIO_CCW_CONFIG_REGION_INDEX;
	if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &region))
		fail("VFIO_DEVICE_GET_REGION_INFO: %s", strerror(errno));
	d->io_off = region.offset;
	find_regions(d);
	if (!d->has_async)
		fail("the mdev has no async command region (VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD)");
	rd.device = d->device;
	d->efd = irq_eventfd(&rd, VFIO_CCW_IO_IRQ_INDEX);
}

static void dev_close(struct fdev *d)
{
	close(d->efd);
	close(d->device);
	close(d->group);
	close(d->container);
	munmap(d->win, WIN_SIZE);
}

/* ---- statistics ---- */
static struct {
	long n, accepted, refused, lost, lost_recovered, reopened, stray, suspended, halted;
	long coalesced, first_coalesced, nostart, intermediate, async_ok, async_refused, finals, patched, cut;
	long skipped;	/* generated programs not run: P.unsafe */
	long io_errno[140], async_errno[140], unexpected[140];
	long first_unexpected[140];
	long unexpected_other;
	long first_lost, first_nostart, first_stray;
} st;

#define NSTAT 64
static struct {
	uint32_t key;
	long n, first;
} status_hist[NSTAT];

/* key: cc, fctl, stctl, device and subchannel status of a final IRB */
static void count_status(uint32_t w0, uint32_t w2, long index)
{
	uint32_t key = ((w0 >> 24) & 3) << 28 | ((w0 >> 12) & 7) << 24 |
		       (w0 & 0x1f) << 16 | w2 >> 16;
	int i;

	for (i = 0; i < NSTAT; i++) {
		if (status_hist[i].n && status_hist[i].key != key)
			continue;
		if (!status_hist[i].n) {
			status_hist[i].key = key;
			status_hist[i].first = index;
		}
		status_hist[i].n++;
		return;
	}
}

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EIO: return "EIO";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	default:
		snprintf(buf, sizeof(buf), "errno%d", e);
		return buf;
	}
}

static int io_errno_ok(int e)
{
	return e == EOPNOTSUPP || e == EIO || e == EBUSY || e == EAGAIN ||
	       e == EACCES || e == ENODEV || e == EINVAL;
}

static int async_errno_ok(int e)
{
	return e == ENODEV || e == EINVAL || e == EIO || e == EAGAIN || e == EBUSY;
}

static void unexpected(const char *what, long ret, int e)
{
	if (e > 0 && e < 140) {
		if (!st.unexpected[e]++)
			st.first_unexpected[e] = P.index;
	} else {
		st.unexpected_other++;
	}
	printf("fuzz: unexpected %s result %ld (%s) seed=%llu index=%llu\n", what, ret,
	       e > 0 ? errname(e) : "not an errno", (unsigned long long)P.seed,
	       (unsigned long long)P.index);
}

/* ---- printing a program ---- */
static void dump_program(const char *why)
{
	int c, i, k;

	printf("fuzz: %s: replay with vfio_ccw_fuzz -s %llu -i %llu\n", why,
	       (unsigned long long)P.seed, (unsigned long long)P.index);
	printf("fuzz:   orb %08x %08x %08x  scsw0 %08x  write %d bytes ret_code %08x\n",
	       P.intparm, P.w1, P.cpa, P.scsw0, P.wlen, P.ret_code);
	printf("fuzz:   async");
	for (i = 0; i < P.nasync; i++)
		printf(" %s", P.async[i] == VFIO_CCW_ASYNC_CMD_HSCH ? "hsch" :
		       P.async[i] == VFIO_CCW_ASYNC_CMD_CSCH ? "csch" : "bad");
	printf("%s  may_suspend=%d unsafe->nop=%d loops_cut=%d cp=%s unpin_unpinned=%d\n",
	       P.nasync ? "" : " none", P.may_suspend, P.patched_unsafe, P.cut_loops,
	       P.cp_refused ? errname(-P.cp_refused) : "ok", P.unpin_unpinned);
	for (c = 0; c < P.nchains; c++) {
		printf("fuzz:   chain %d at %08x, %d CCWs (as format 1):\n", c, P.ch_head[c],
		       P.ch_len[c]);
		for (i = 0; i < P.ch_len[c] && i < 40; i++) {
			struct ccw1 *x = &P.ch[c][i];

			printf("fuzz:     %08x  %02x %02x %04x %08x", P.ch_head[c] + 8 * i,
			       x->cmd, x->flags, x->count, x->cda);
			if ((x->flags & F_IDA) && x->cmd != CMD_TIC && mapped(x->cda, 8)) {
				printf("  idal");
				for (k = 0; k < 4 && mapped(x->cda + 8 * k, 8); k++) {
					uint64_t w;

					memcpy(&w, at(x->cda + 8 * k), 8);
					printf(" %llx", (unsigned long long)w);
				}
			}
			printf("\n");
		}
		if (P.ch_len[c] > 40)
			printf("fuzz:     ... %d more\n", P.ch_len[c] - 40);
	}
}

/* ---- running one program ---- */
static struct fdev D;
static int verbose, async_delay_ms;

static long read_irqs(int timeout_ms, uint32_t *w0, uint32_t *w2, long *inter)
{
	struct pollfd pfd = { .fd = D.efd, .events = POLLIN };
	struct ccw_io_region io;
	uint64_t cnt;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (read(D.efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		fail("reading the io eventfd: %s", strerror(errno));
	if (pread(D.device, &io, sizeof(io), D.io_off) != sizeof(io))
		fail("reading the I/O region: %s", strerror(errno));
	memcpy(w0, io.irb_area, 4);
	memcpy(w2, io.irb_area + 8, 4);
	if ((*w0 & 0x1f) == (SC_INTER | SC_PEND)) {
		*inter += cnt;
		return 0;
	}
	return (long)cnt;
}

static int schib_scsw(uint32_t *w0)
{
	uint8_t schib[SCHIB_AREA_SIZE];

	if (!D.has_schib || pread(D.device, schib, sizeof(schib), D.schib_off) != sizeof(schib))
		return -1;
	memcpy(w0, schib + 28, 4);	/* the SCSW follows the 28-byte PMCW */
	return 0;
}

/* Issue an async command; 1 accepted, 0 refused (documented), -1 unexpected. */
static int async_cmd(uint32_t cmd)
{
	struct ccw_cmd_region r = { .command = cmd };
	ssize_t ret;
	int tries;

	for (tries = 0; tries < 50; tries++) {
		ret = pwrite(D.device, &r, sizeof(r), D.async_off);
		if (ret == sizeof(r)) {
			st.async_ok++;
			return 1;
		}
		if (ret < 0 && errno == EAGAIN && tries < 49) {
			usleep(200);
			continue;
		}
		break;
	}
	if (ret < 0 && async_errno_ok(errno)) {
		st.async_refused++;
		st.async_errno[errno]++;
		return 0;
	}
	unexpected("async write", (long)ret, ret < 0 ? errno : 0);
	return -1;
}

static void __attribute__((format(printf, 1, 2))) kmsg(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(fd, buf, strlen(buf)) < 0)
		fprintf(stderr, "vfio_ccw_fuzz: /dev/kmsg: %s\n", strerror(errno));
	close(fd);
}

static void reopen(void)
{
	dev_close(&D);
	dev_open(&D, UUID);
	st.reopened++;
}

/*
 * With -V, the status of a start the user did not halt may name the halt
 * function alone: the driver halted it when its path went away. Counted.
 */
static int halted_by_driver(int last_fc, uint32_t w0)
{
	if (!path_varied || last_fc != FC_START || !((w0 >> 12 & 7) & (FC_HALT >> 12)))
		return 0;
	st.halted++;
	if (verbose)
		printf("fuzz:   halted by the driver (scsw %08x)\n", w0);
	return 1;
}

/* A program got no interrupt it was owed: show it, clear, reopen if need be. */
static void lost(const char *why)
{
	uint32_t w0 = 0, w2 = 0;
	long inter = 0;

	if (!st.lost++)
		st.first_lost = P.index;
	dump_program(why);
	if (!schib_scsw(&w0))
		printf("fuzz:   schib scsw word 0 %08x (fctl %x actl %02x stctl %02x)\n",
		       w0, (w0 >> 12) & 7, (w0 >> 5) & 0x7f, w0 & 0x1f);
	if (async_cmd(VFIO_CCW_ASYNC_CMD_CSCH) == 1 && read_irqs(WAIT_MS, &w0, &w2, &inter)) {
		printf("fuzz:   csch brought it back (scsw %08x)\n", w0);
		st.lost_recovered++;
		return;
	}
	printf("fuzz:   csch did not help: closing and reopening the device\n");
	reopen();
}

static void run_program(void)
{
	struct ccw_io_region io;
	uint32_t w0 = 0, w2 = 0, sw0;
	long got = 0, inter = 0, need_min = 0, need_max = 0, stray;
	int start_ok = 0, start_may_be_absorbed = 0, seen_last = 0, i, ret;
	int async_accepted = 0;
	uint32_t last_fc = 0;
	ssize_t wr;

	/* an interrupt nobody asked for since the last program */
	stray = read_irqs(0, &w0, &w2, &inter);
	if (stray) {
		if (!st.stray)
			st.first_stray = P.index;
		st.stray += stray;
		printf("fuzz: stray interrupt before program %llu (scsw %08x)\n",
		       (unsigned long long)P.index, w0);
	}
	memcpy(D.win, P.img, WIN_SIZE);
	memset(&io, 0, sizeof(io));
	memcpy(io.orb_area, &P.intparm, 4);
	memcpy(io.orb_area + 4, &P.w1, 4);
	memcpy(io.orb_area + 8, &P.cpa, 4);
	memcpy(io.scsw_area, &P.scsw0, 4);
	io.ret_code = P.ret_code;
	if (P.unpin_unpinned)
		kmsg("vfio_ccw_fuzz: seed %llu program %llu has an IDAL running into unmapped "
		     "memory: cp_prefetch() may unpin pages it never pinned\n",
		     (unsigned long long)P.seed, (unsigned long long)P.index);
	st.n++;
	st.patched += P.patched_unsafe;
	st.cut += P.cut_loops;
	wr = pwrite(D.device, &io, P.wlen, D.io_off);
	if (wr == P.wlen) {
		st.accepted++;
		if (P.nostart) {
			if (!st.nostart++)
				st.first_nostart = P.index;
			if (st.nostart <= 3)
				dump_program("accepted a write that names no function (nostart)");
		} else {
			start_ok = 1;
			last_fc = FC_START;
			need_max = 1;
			need_min = P.may_suspend ? 0 : 1;
		}
	} else if (wr < 0 && io_errno_ok(errno)) {
		st.refused++;
		st.io_errno[errno]++;
		if (verbose)
			printf("fuzz:   refused: %s\n", errname(errno));
	} else {
		unexpected("I/O region write", (long)wr, wr < 0 ? errno : 0);
		if (wr >= 0)
			st.accepted++;
	}
	if (P.nasync && async_delay_ms)
		usleep(async_delay_ms * 1000);
	for (i = 0; i < P.nasync; i++) {
		ret = async_cmd(P.async[i]);
		if (ret != 1)
			continue;
		async_accepted++;
		need_min++;
		need_max++;
		last_fc = P.async[i] == VFIO_CCW_ASYNC_CMD_HSCH ? FC_HALT : FC_CLEAR;
		if (P.async[i] == VFIO_CCW_ASYNC_CMD_CSCH && start_ok)
			start_may_be_absorbed = 1;
	}
	/*
	 * A clear may take the place of a start status not yet collected
	 * (csch clears a pending status); a halt is refused (cc 1) then.
	 */
	if (start_may_be_absorbed && !P.may_suspend)
		need_min--;
	/*
	 * Wait for the interrupt of the last function accepted: it comes last
	 * (a later function's status replaces or follows an earlier one's).
	 * A program that may suspend gets a short first wait, then a look at
	 * the subchannel.
	 */
	while (last_fc && !seen_last) {
		int ms = got ? WAIT_MS / 5 : WAIT_MS;
		long n;

		if (!got && P.may_suspend && last_fc == FC_START) {
			n = read_irqs(200, &w0, &w2, &inter);
			if (!n) {
				if (!schib_scsw(&sw0) && (sw0 & AC_SUSP))
					break;
				n = read_irqs(WAIT_MS, &w0, &w2, &inter);
			}
		} else {
			n = read_irqs(ms, &w0, &w2, &inter);
		}
		if (!n)
			break;
		got += n;
		if ((w0 >> 12 & 7) & (last_fc >> 12))
			seen_last = 1;
		else if (halted_by_driver(last_fc, w0))
			seen_last = 1;
	}
	/*
	 * The last function's IRB came; signals for earlier ones may still
	 * be on their way: the I/O work that signals one may run after the
	 * next interrupt overwrote its IRB, and then signal that IRB twice.
	 */
	while (seen_last && got < need_max) {
		long n = read_irqs(SETTLE_MS, &w0, &w2, &inter);

		if (!n)
			break;
		got += n;
	}
	st.intermediate += inter;
	st.finals += got;
	if (got)
		count_status(w0, w2, (long)P.index);
	if (verbose) {
		dump_program("program");
		printf("fuzz:   write %zd (%s) interrupts %ld (need %ld..%ld) last scsw %08x %08x\n",
		       wr, wr < 0 ? errname(errno) : "ok", got, need_min, need_max, w0, w2);
	}
	if (got > need_max) {
		if (!st.stray)
			st.first_stray = P.index;
		st.stray += got - need_max;
		dump_program("stray interrupt");
		return;
	}
	/*
	 * Only an accepted halt or clear ends a suspended program: one the
	 * driver refused (a bad command) leaves it suspended.
	 */
	if (start_ok && got == 0 && !async_accepted && P.may_suspend) {
		/* it may be suspended: the subchannel says so, and a clear ends it */
		if (schib_scsw(&sw0) || !(sw0 & AC_SUSP)) {
			/* halted since the look above: its status is on the way */
			if (path_varied && read_irqs(WAIT_MS, &w0, &w2, &inter) &&
			    halted_by_driver(last_fc, w0))
				return;
			lost("no interrupt and the subchannel is not suspended");
			return;
		}
		st.suspended++;
		if (verbose)
			printf("fuzz:   suspended (schib scsw %08x), clearing\n", sw0);
		if (async_cmd(VFIO_CCW_ASYNC_CMD_CSCH) != 1 ||
		    !read_irqs(WAIT_MS, &w0, &w2, &inter)) {
			lost("clear of a suspended program without interrupt");
			return;
		}
		return;
	}
	if (last_fc && !seen_last) {
		lost("lost interrupt");
		return;
	}
	if (got < need_min) {
		/*
		 * The last function's interrupt came, but fewer signals than
		 * functions that each must interrupt: the subchannel did
		 * interrupt for each (QEMU refuses hsch with cc 1 while a
		 * status is pending, so an accepted hsch means the start's
		 * status was collected), but vfio-ccw keeps one IRB
		 * (private->irb) and one work item (io_work): an interrupt
		 * that comes before the work of the previous one ran
		 * overwrites its IRB, and queue_work() on the pending work is
		 * a no-op, so one eventfd signal stands for two.
		 */
		if (!st.coalesced++)
			st.first_coalesced = P.index;
		if (st.coalesced <= 3 || verbose) {
			dump_program("interrupts coalesced");
			printf("fuzz:   %ld signal(s) for %ld..%ld interrupts, last scsw %08x %08x\n",
			       got, need_min, need_max, w0, w2);
		}
	}
	/* a suspended program that was halted or cleared: nothing left over */
	if (start_ok && P.may_suspend && async_accepted && !schib_scsw(&sw0) &&
	    (sw0 & AC_SUSP)) {
		st.suspended++;
		if (async_cmd(VFIO_CCW_ASYNC_CMD_CSCH) != 1 ||
		    !read_irqs(WAIT_MS, &w0, &w2, &inter))
			lost("clear of a suspended program without interrupt");
	}
}

/* ---- after the run: a fresh mdev, SENSE ID, back to io_subchannel ---- */
static int fresh_sense_id(const char *sch)
{
	struct rig_dev rd;
	uint8_t irb[IRB_AREA_SIZE] = { 0 };
	int ret, cu = -1, ok = 0;

	ret = mdev_create(sch, UUID2);
	if (ret) {
		printf("fuzz: creating a fresh mdev: %s\n", strerror(-ret));
		return 0;
	}
	vfio_open(&rd, UUID2);
	rd.io_efd = irq_eventfd(&rd, VFIO_CCW_IO_IRQ_INDEX);
	ret = sense_id_start(&rd);
	if (ret) {
		printf("fuzz: SENSE ID on a fresh mdev: write failed: %s\n", strerror(-ret));
	} else if ((ret = sense_id_finish(&rd, irb, WAIT_MS))) {
		printf("fuzz: SENSE ID on a fresh mdev: %s\n", strerror(-ret));
	} else {
		cu = rd.dma[0x101] << 8 | rd.dma[0x102];
		ok = cu == 0x3832 && irb[8] == DEV_STAT_CE_DE;
		printf("fuzz: SENSE ID on a fresh mdev: control unit %04x, device status %02x, "
		       "scsw %02x%02x%02x%02x\n", cu, irb[8], irb[0], irb[1], irb[2], irb[3]);
		/*
		 * The program ran to its end, yet the SCSW says deferred cc
		 * 3: the cc of an earlier start whose LPM left out QEMU's one
		 * path (see any_lpm), which QEMU keeps in the subchannel for
		 * good. io_subchannel takes every interrupt with cc 3 for a
		 * path error, so the device will not come online again until
		 * QEMU resets the subchannel (a re-plug). Said once, in a line
		 * of its own, for the scripts to find.
		 */
		if (ok && (irb[0] & 3) == 3)
			printf("@@FUZZ sticky-cc3 %s\n", sch);
	}
	vfio_close(&rd);
	ret = mdev_remove(UUID2);
	if (ret) {
		printf("fuzz: removing the fresh mdev: %s\n", strerror(-ret));
		ok = 0;
	}
	return ok;
}

static int give_back(const char *sch)
{
	int ret;

	ret = sysfs_write(sch, CSS "/drivers/vfio_ccw/unbind");
	if (ret && ret != -ENODEV) {
		printf("fuzz: unbinding %s from vfio_ccw: %s\n", sch, strerror(-ret));
		return 0;
	}
	sysfs_write("\n", CSS "/devices/%s/driver_override", sch);
	ret = sysfs_write(sch, CSS "/drivers/io_subchannel/bind");
	if (ret) {
		printf("fuzz: giving %s back to io_subchannel: %s\n", sch, strerror(-ret));
		return 0;
	}
	if (ccw_online_within(sch, 30000)) {
		printf("fuzz: %s is back under io_subchannel, online\n", sch);
		return 1;
	}
	printf("fuzz: the ccw device under %s is not online 30 s after the give-back\n", sch);
	return 0;
}

/* -G: generate only (no device), e.g. on the host, to check the generator */
static int generate_only(uint64_t seed, uint64_t first, uint64_t count, int no_nostart)
{
	long refused[140] = { 0 }, ok = 0, susp = 0, unsafe = 0, cut = 0, nostart = 0;
	uint64_t i, h = 0;
	int e;

	for (i = first; i < first + count; i++) {
		generate(seed, i, no_nostart);
		if (P.cp_refused)
			refused[-P.cp_refused]++;
		else
			ok++;
		susp += P.may_suspend;
		unsafe += P.patched_unsafe;
		cut += P.cut_loops;
		nostart += P.nostart;
		h = mix64(h ^ P.w1 ^ (uint64_t)P.cpa << 32 ^ P.img[i % WIN_SIZE]);
		if (verbose)
			dump_program("generated");
	}
	printf("generated %llu: cp ok %ld, may_suspend %ld, unsafe->nop %ld, loops cut %ld, "
	       "nostart %ld, hash %016llx\n", (unsigned long long)count, ok, susp, unsafe, cut,
	       nostart, (unsigned long long)h);
	for (e = 0; e < 140; e++)
		if (refused[e])
			printf("  cp refused %s: %ld\n", errname(e), refused[e]);
	return 0;
}

static void progress(const char *tag, double t0)
{
	double dt = (now_us() - t0) / 1e6;

	printf("@@FUZZ %sn=%ld accepted=%ld refused=%ld lost=%ld stray=%ld suspended=%ld "
	       "halted=%ld nostart=%ld coalesced=%ld skipped=%ld rate=%.1f/s\n", tag, st.n,
	       st.accepted, st.refused, st.lost, st.stray, st.suspended, st.halted, st.nostart,
	       st.coalesced, st.skipped, dt > 0 ? st.n / dt : 0.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *sch = "0.0.0001";
	uint64_t seed = 1, count = 1000, index = 0, i;
	int opt, replay = 0, no_nostart = 0, gen_only = 0, e, usable, ok1, ok2, ok3, ok4, ok5;
	long unexp = 0;
	double t0;

	rig_prog = "vfio_ccw_fuzz";
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "S:s:n:i:vxGLVd:F")) != -1) {
		switch (opt) {
		case 'S': sch = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 'i': index = strtoull(optarg, NULL, 0); replay = 1; break;
		case 'v': verbose = 1; break;
		case 'x': no_nostart = 1; break;
		case 'G': gen_only = 1; break;
		case 'L': any_lpm = 1; break;
		case 'V': path_varied = 1; break;
		case 'd': async_delay_ms = atoi(optarg); break;
		case 'F': idal_any_format = 1; break;
		default:
			fail("usage: vfio_ccw_fuzz [-S SCH] [-s SEED] [-n COUNT] [-i INDEX] [-v] [-x] [-L] [-V] "
			     "[-d MS] [-G] [-F]");
		}
	}
	if (replay) {
		verbose = 1;
		count = 1;
	}
	if (gen_only)
		return generate_only(seed, replay ? index : 0, count, no_nostart);
	if (!idal_any_format)
		idal_any_format = kernel_takes_any_idal_format();
	printf("1..6\n");
	printf("# seed=%llu count=%llu%s sch=%s window=%d pages at 0x%llx, hole at 0x%llx%s\n",
	       (unsigned long long)seed, (unsigned long long)count,
	       replay ? " (replay)" : "", sch, WIN_PAGES, WIN_IOVA, HOLE_IOVA,
	       idal_any_format ? ", IDALs of any format" : "");
	bind_vfio(sch);
	if (mdev_create(sch, UUID))
		fail("creating mdev %s on %s", UUID, sch);
	dev_open(&D, UUID);
	t0 = now_us();
	for (i = 0; i < count; i++) {
		generate(seed, replay ? index : i, no_nostart);
		if (P.unsafe) {
			if (!st.skipped++ || verbose)
				printf("fuzz: program %llu reaches below the window: skipped\n",
				       (unsigned long long)P.index);
			continue;
		}
		run_program();
		if (!replay && (i + 1) % 1000 == 0)
			progress("", t0);
	}
	progress("done ", t0);
	for (e = 0; e < 140; e++)
		if (st.io_errno[e])
			printf("@@FUZZ refused errno=%s n=%ld\n", errname(e), st.io_errno[e]);
	for (e = 0; e < 140; e++)
		if (st.async_errno[e])
			printf("@@FUZZ async-refused errno=%s n=%ld\n", errname(e), st.async_errno[e]);
	printf("@@FUZZ async accepted=%ld refused=%ld finals=%ld intermediate=%ld "
	       "unsafe_nop=%ld loops_cut=%ld lost_recovered_by_csch=%ld reopened=%ld\n",
	       st.async_ok, st.async_refused, st.finals, st.intermediate, st.patched, st.cut,
	       st.lost_recovered, st.reopened);
	for (e = 0; e < NSTAT && status_hist[e].n; e++) {
		uint32_t k = status_hist[e].key;

		printf("@@FUZZ final cc=%u fctl=%x stctl=%02x dstat=%02x cstat=%02x n=%ld first=%ld\n",
		       k >> 28 & 3, k >> 24 & 7, k >> 16 & 0x1f, k >> 8 & 0xff, k & 0xff,
		       status_hist[e].n, status_hist[e].first);
	}
	for (e = 0; e < 140; e++)
		if (st.unexpected[e]) {
			printf("@@FUZZ unexpected errno=%s n=%ld first=%ld\n", errname(e),
			       st.unexpected[e], st.first_unexpected[e]);
			unexp += st.unexpected[e];
		}
	unexp += st.unexpected_other;
	if (st.lost)
		printf("@@FUZZ lost n=%ld first=%ld\n", st.lost, st.first_lost);
	if (st.coalesced)
		printf("@@FUZZ coalesced n=%ld first=%ld\n", st.coalesced, st.first_coalesced);
	if (st.nostart)
		printf("@@FUZZ nostart n=%ld first=%ld\n", st.nostart, st.first_nostart);
	if (st.stray)
		printf("@@FUZZ stray n=%ld first=%ld\n", st.stray, st.first_stray);
	dev_close(&D);
	if (mdev_remove(UUID))
		printf("fuzz: removing mdev %s failed\n", UUID);
	usable = fresh_sense_id(sch);
	usable = give_back(sch) && usable;

	ok1 = !unexp;
	ok2 = !st.nostart;
	ok3 = !st.lost;
	ok4 = !st.coalesced;
	ok5 = !st.stray;
	printf("%s 1 fuzz: no unexpected errno (%ld)\n", ok1 ? "ok" : "not ok", unexp);
	printf("%s 2 fuzz: no success for a write that names no function (%ld nostart)\n",
	       ok2 ? "ok" : "not ok", st.nostart);
	printf("%s 3 fuzz: no unexplained lost interrupt (%ld lost)\n", ok3 ? "ok" : "not ok",
	       st.lost);
	/*
	 * 4 and 5 are one limitation that is not fixed: vfio-ccw keeps one
	 * IRB and one work item per subchannel, so an interrupt that comes
	 * before the previous one's work ran overwrites its IRB (one signal
	 * for two), or the work signals the later IRB twice (a stray signal).
	 * They fail as TAP TODO items (the rig records a SKIP with the
	 * reason) and do not fail the run; a fix turns them into plain ok.
	 */
	printf("%s 4 fuzz: no interrupts coalesced into one signal (%ld coalesced)%s\n",
	       ok4 ? "ok" : "not ok", st.coalesced, ok4 ? "" : TODO_ONE_IRB);
	printf("%s 5 fuzz: no stray interrupt (%ld stray)%s\n", ok5 ? "ok" : "not ok", st.stray,
	       ok5 ? "" : TODO_ONE_IRB);
	printf("%s 6 fuzz: device usable after the run\n", usable ? "ok" : "not ok");
	return ok1 && ok2 && ok3 && usable ? 0 : 1;
}
