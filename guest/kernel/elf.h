/*
 * elf.h: the parts of the ELF-64 format (System V ABI, and the RISC-V psABI for
 * relocation numbers) that exec and the module loader read.
 */
#ifndef KWB_ELF_H
#define KWB_ELF_H
#include "kernel.h"

struct elf_header {
    u8 ident[16];         /* "\x7fELF", class 2 (64-bit), data 1 (little-endian), ... */
    u16 type;             /* 1 relocatable, 2 executable */
    u16 machine;          /* 243 = RISC-V */
    u32 version;
    u64 entry;
    u64 phoff;            /* program headers */
    u64 shoff;            /* section headers */
    u32 flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_segment {      /* program header */
    u32 type;             /* 1 = PT_LOAD */
    u32 flags;            /* 1 X, 2 W, 4 R */
    u64 offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_section {      /* section header */
    u32 name;             /* offset into the section-name string table */
    u32 type;
    u64 flags;
    u64 addr, offset, size;
    u32 link, info;
    u64 addralign, entsize;
};

struct elf_symbol {
    u32 name;
    u8 info;              /* binding << 4 | type */
    u8 other;
    u16 shndx;            /* section it is defined in, or a special value */
    u64 value, size;
};

struct elf_rela {
    u64 offset;           /* where, inside the target section */
    u64 info;             /* symbol index << 32 | relocation type */
    i64 addend;
};

#define ELF_TYPE_REL 1
#define ELF_TYPE_EXEC 2
#define ELF_MACHINE_RISCV 243
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define SHT_PROGBITS 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_RELA 4
#define SHT_NOBITS 8
#define SHF_WRITE 1
#define SHF_ALLOC 2
#define SHF_EXECINSTR 4
#define SHN_UNDEF 0
#define SHN_ABS 0xfff1
#define SHN_COMMON 0xfff2
#define STT_FUNC 2
#define STT_SECTION 3
#define STB_LOCAL 0

int elf_header_ok(const struct elf_header *h, u64 size, int type);
#endif
