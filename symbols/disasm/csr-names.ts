// CSR numbers -> names as objdump prints them (RISC-V privileged spec 1.12 plus the debug,
// hypervisor, vector, AIA, Smstateen, Sstc and Zkr CSRs), and the differences for objects
// marked with an older privileged spec in their .riscv.attributes (1.11 / 1.10).

const NAMED = '1:fflags 2:frm 3:fcsr 8:vstart 9:vxsat a:vxrm f:vcsr 15:seed 100:sstatus 104:sie 105:stvec 106:scounteren 10a:senvcfg 10c:sstateen0 10d:sstateen1 10e:sstateen2 10f:sstateen3 114:sieh 140:sscratch 141:sepc 142:scause 143:stval 144:sip 14d:stimecmp 150:siselect 151:sireg 154:siph 15c:stopei 15d:stimecmph 180:satp 200:vsstatus 204:vsie 205:vstvec 214:vsieh 240:vsscratch 241:vsepc 242:vscause 243:vstval 244:vsip 24d:vstimecmp 250:vsiselect 251:vsireg 254:vsiph 25c:vstopei 25d:vstimecmph 280:vsatp 300:mstatus 301:misa 302:medeleg 303:mideleg 304:mie 305:mtvec 306:mcounteren 308:mvien 309:mvip 30a:menvcfg 30c:mstateen0 30d:mstateen1 30e:mstateen2 30f:mstateen3 310:mstatush 313:midelegh 314:mieh 318:mvienh 319:mviph 31a:menvcfgh 31c:mstateen0h 31d:mstateen1h 31e:mstateen2h 31f:mstateen3h 320:mcountinhibit 340:mscratch 341:mepc 342:mcause 343:mtval 344:mip 34a:mtinst 34b:mtval2 350:miselect 351:mireg 354:miph 35c:mtopei 5a8:scontext 600:hstatus 602:hedeleg 603:hideleg 604:hie 605:htimedelta 606:hcounteren 607:hgeie 608:hvien 609:hvictl 60a:henvcfg 60c:hstateen0 60d:hstateen1 60e:hstateen2 60f:hstateen3 613:hidelegh 615:htimedeltah 618:hvienh 61a:henvcfgh 61c:hstateen0h 61d:hstateen1h 61e:hstateen2h 61f:hstateen3h 643:htval 644:hip 645:hvip 646:hviprio1 647:hviprio2 64a:htinst 655:hviph 656:hviprio1h 657:hviprio2h 680:hgatp 6a8:hcontext 747:mseccfg 757:mseccfgh 7a0:tselect 7a1:tdata1 7a2:tdata2 7a3:tdata3 7a4:tinfo 7a5:tcontrol 7a8:mcontext 7aa:mscontext 7b0:dcsr 7b1:dpc 7b2:dscratch0 7b3:dscratch1 b00:mcycle b02:minstret b80:mcycleh b82:minstreth c00:cycle c01:time c02:instret c20:vl c21:vtype c22:vlenb c80:cycleh c81:timeh c82:instreth da0:scountovf db0:stopi e12:hgeip eb0:vstopi f11:mvendorid f12:marchid f13:mimpid f14:mhartid f15:mconfigptr fb0:mtopi';

/** Privileged-spec version as a number: 1.10 -> 110, 1.11 -> 111, 1.12 -> 112; 0 = unknown (all names). */
export type PrivSpec = number;

const base = new Map<number, string>();
for (const pair of NAMED.split(' ')) {
  const [n, name] = pair.split(':');
  base.set(parseInt(n, 16), name);
}
for (let i = 3; i <= 31; i++) {
  base.set(0x320 + i, `mhpmevent${i}`);
  base.set(0x720 + i, `mhpmevent${i}h`);
  base.set(0xb00 + i, `mhpmcounter${i}`);
  base.set(0xb80 + i, `mhpmcounter${i}h`);
  base.set(0xc00 + i, `hpmcounter${i}`);
  base.set(0xc80 + i, `hpmcounter${i}h`);
}
for (let i = 0; i < 16; i++) base.set(0x3a0 + i, `pmpcfg${i}`);
for (let i = 0; i < 64; i++) base.set(0x3b0 + i, `pmpaddr${i}`);

/** CSRs introduced by privileged spec 1.12 (unnamed in objects marked 1.11 or older). */
const SINCE_112 = new Set<number>([0x10a, 0x30a, 0x310, 0x31a, 0x34a, 0x34b, 0x747, 0x757, 0xf15]);
for (let i = 0x3a4; i <= 0x3af; i++) SINCE_112.add(i);
for (let i = 0x3c0; i <= 0x3ef; i++) SINCE_112.add(i);
/** N-extension CSRs, named only for objects marked 1.11 or older. */
const UNTIL_111 = new Map<number, string>([[0x000, 'ustatus'], [0x004, 'uie'], [0x005, 'utvec'], [0x040, 'uscratch'], [0x041, 'uepc'], [0x042, 'ucause'], [0x043, 'utval'], [0x044, 'uip'], [0x102, 'sedeleg'], [0x103, 'sideleg']]);

export function csrName(csr: number, priv: PrivSpec = 0): string | undefined {
  if (priv && priv < 112) {
    const u = UNTIL_111.get(csr);
    if (u) return u;
    if (SINCE_112.has(csr)) return undefined;
    if (priv < 111 && csr === 0x320) return undefined;
  }
  return base.get(csr);
}
