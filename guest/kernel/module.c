/*
 * module.c: the module loader. A module is a relocatable ELF object (gcc -c,
 * never linked), stored in the initramfs as NAME.ko. insmod:
 *
 *   1. checks the ELF header and the section table;
 *   2. lays out every SHF_ALLOC section (code, data, bss) one after the other,
 *      each at its alignment, in fresh pages of the module area [1 GiB, 2 GiB),
 *      and copies them there (bss stays zero);
 *   3. applies each relocation section aimed at an allocated section (reloc.c),
 *      resolving undefined symbols through the kernel's export table (exports.c);
 *   4. keeps the function symbols, so backtraces can name module code;
 *   5. links the module into module_list and calls module_loaded(), the hook a
 *      debugger stops on to load the module's symbols at the right addresses;
 *   6. calls the module's kmod_start().
 * rmmod calls kmod_stop(), then module_unloading(), then frees the memory.
 * The module area is handed out from low to high and never reused, so loading
 * the same module again lands at a new address.
 */
#include "elf.h"
#include "module.h"
#include "reloc.h"

struct module *module_list;
static struct sleeplock modules_lock;
static int modules_lock_ready;
static struct spinlock setup_lock;
static u64 module_area_next = MODULE_AREA;

/* ---- debugger hooks: keep them out of line and never optimised away */
__attribute__((noinline, used)) void module_loaded(struct module *m)
{
    asm volatile("" :: "r"(m) : "memory");
}

__attribute__((noinline, used)) void module_unloading(struct module *m)
{
    asm volatile("" :: "r"(m) : "memory");
}

/* Everything the loader needs to know about the object being loaded. */
struct object {
    const char *file;
    const u8 *data;
    u64 size;
    const struct elf_header *h;
    const struct elf_section *sections;
    const char *section_names;
    u64 *load_addr;               /* per section: where it went, 0 if not allocated */
};

static int fail(struct object *o, const char *what, const char *detail)
{
    kprintf("insmod: %s: %s%s%s\n", o->file, what, detail ? ": " : "", detail ? detail : "");
    return -E_NOEXEC;
}

static int in_file(struct object *o, u64 off, u64 len)
{
    return off <= o->size && len <= o->size - off;
}

static const char *section_name(struct object *o, int i)
{
    return o->section_names + o->sections[i].name;
}

static void free_area(u64 base, u64 size)
{
    for (u64 va = base; va < base + size; va += PAGE_SIZE) {
        u64 pa = unmap_page(kernel_pagetable, va);
        if (pa)
            page_free((void *)pa);
    }
    flush_tlb();
}

/* Step 2: place and copy the allocated sections. */
static int place_sections(struct object *o, struct module *m)
{
    u64 total = 0;
    for (int i = 0; i < o->h->shnum; i++) {
        const struct elf_section *s = &o->sections[i];
        if (!(s->flags & SHF_ALLOC) || s->size == 0)
            continue;
        u64 align = s->addralign ? s->addralign : 1;
        if (align > PAGE_SIZE || (align & (align - 1)))
            return fail(o, "bad section alignment", section_name(o, i));
        total = ALIGN_UP(total, align) + s->size;
    }
    m->size = ALIGN_UP(total, PAGE_SIZE);
    if (m->size == 0)
        return fail(o, "nothing to load", NULL);
    if (module_area_next + m->size > MODULE_AREA_END)
        return fail(o, "module area exhausted", NULL);
    m->base = module_area_next;
    module_area_next += m->size + PAGE_SIZE;      /* a gap page between modules */
    for (u64 va = m->base; va < m->base + m->size; va += PAGE_SIZE) {
        void *page = page_alloc();
        if (!page || map_page(kernel_pagetable, va, (u64)page, PTE_R | PTE_W | PTE_X) < 0) {
            if (page) page_free(page);
            free_area(m->base, m->size);
            return fail(o, "out of memory", NULL);
        }
    }
    flush_tlb();
    u64 at = m->base;
    for (int i = 0; i < o->h->shnum; i++) {
        const struct elf_section *s = &o->sections[i];
        if (!(s->flags & SHF_ALLOC) || s->size == 0)
            continue;
        at = ALIGN_UP(at, s->addralign ? s->addralign : 1);
        o->load_addr[i] = at;
        if (s->type != SHT_NOBITS)
            memcpy((void *)at, o->data + s->offset, s->size);
        if (m->section_count < MODULE_MAX_SECTIONS) {
            struct module_section *ms = &m->sections[m->section_count++];
            strlcopy(ms->name, section_name(o, i), sizeof ms->name);
            ms->addr = at;
            ms->size = s->size;
        }
        at += s->size;
    }
    return 0;
}

static const struct elf_symbol *symbol_at(struct object *o, const struct elf_section *symtab, u64 index)
{
    if (index >= symtab->size / sizeof(struct elf_symbol))
        return NULL;
    return (const struct elf_symbol *)(o->data + symtab->offset) + index;
}

/* Every symbol table must name a string table in the file, and every symbol name must
 * lie inside it, so later steps can use names without checking again. */
static int check_symbols(struct object *o)
{
    for (int i = 0; i < o->h->shnum; i++) {
        const struct elf_section *symtab = &o->sections[i];
        if (symtab->type != SHT_SYMTAB)
            continue;
        if (symtab->link >= o->h->shnum || o->sections[symtab->link].type != SHT_STRTAB ||
            symtab->offset % 8 || symtab->entsize != sizeof(struct elf_symbol))
            return fail(o, "bad symbol table", section_name(o, i));
        const struct elf_section *strtab = &o->sections[symtab->link];
        if (strtab->size == 0 || o->data[strtab->offset + strtab->size - 1] != 0)
            return fail(o, "string table does not end with NUL", NULL);
        u64 n = symtab->size / sizeof(struct elf_symbol);
        for (u64 k = 0; k < n; k++)
            if (symbol_at(o, symtab, k)->name >= strtab->size)
                return fail(o, "symbol name outside the string table", NULL);
    }
    return 0;
}

/* The address a symbol stands for after loading; 0 and a message on failure. */
static int resolve(struct object *o, const struct elf_section *symtab, u64 index, u64 *out)
{
    if (index == 0) {                             /* no symbol: the addend alone */
        *out = 0;
        return 0;
    }
    const struct elf_symbol *sym = symbol_at(o, symtab, index);
    if (!sym)
        return fail(o, "bad symbol index", NULL);
    const char *names = (const char *)o->data + o->sections[symtab->link].offset;
    if (sym->shndx == SHN_UNDEF) {
        const void *addr = kernel_export_lookup(names + sym->name);
        if (!addr)
            return fail(o, "unknown symbol", names + sym->name);
        *out = (u64)addr;
        return 0;
    }
    if (sym->shndx == SHN_ABS) {
        *out = sym->value;
        return 0;
    }
    if (sym->shndx == SHN_COMMON || sym->shndx >= o->h->shnum || !o->load_addr[sym->shndx])
        return fail(o, "symbol in a section that is not loaded", names + sym->name);
    *out = o->load_addr[sym->shndx] + sym->value;
    return 0;
}

/* PCREL_LO12 points at the auipc carrying the PCREL_HI20; find that one's value. */
static int paired_hi20(struct object *o, const struct elf_section *rela, u64 target_base,
                       const struct elf_section *symtab, u64 auipc_addr, u64 *value)
{
    const struct elf_rela *r = (const struct elf_rela *)(o->data + rela->offset);
    u64 n = rela->size / sizeof *r;
    for (u64 i = 0; i < n; i++) {
        if ((u32)r[i].info != R_RISCV_PCREL_HI20 || target_base + r[i].offset != auipc_addr)
            continue;
        u64 S;
        if (resolve(o, symtab, r[i].info >> 32, &S) < 0)
            return -E_NOEXEC;
        *value = S + (u64)r[i].addend - auipc_addr;
        return 0;
    }
    return fail(o, "PCREL_LO12 without a matching PCREL_HI20", NULL);
}

/* Step 3. */
static int relocate(struct object *o)
{
    for (int i = 0; i < o->h->shnum; i++) {
        const struct elf_section *rela = &o->sections[i];
        if (rela->type != SHT_RELA || rela->info >= o->h->shnum || !o->load_addr[rela->info])
            continue;                                   /* e.g. relocations of debug info */
        if (!in_file(o, rela->offset, rela->size) || rela->offset % 8 || rela->link >= o->h->shnum ||
            o->sections[rela->link].type != SHT_SYMTAB)
            return fail(o, "bad relocation section", section_name(o, i));
        const struct elf_section *symtab = &o->sections[rela->link];
        const struct elf_section *target = &o->sections[rela->info];
        u64 base = o->load_addr[rela->info];
        const struct elf_rela *r = (const struct elf_rela *)(o->data + rela->offset);
        for (u64 k = 0; k < rela->size / sizeof *r; k++) {
            u32 type = (u32)r[k].info;
            if (r[k].offset + reloc_width(type) > target->size)
                return fail(o, "relocation outside its section", section_name(o, i));
            u64 S = 0, lo12 = 0;
            if (type != R_RISCV_RELAX && type != R_RISCV_ALIGN && type != R_RISCV_NONE &&
                resolve(o, symtab, r[k].info >> 32, &S) < 0)
                return -E_NOEXEC;
            if ((type == R_RISCV_PCREL_LO12_I || type == R_RISCV_PCREL_LO12_S) &&
                paired_hi20(o, rela, base, symtab, S, &lo12) < 0)
                return -E_NOEXEC;
            const char *err = reloc_apply(type, (u8 *)(base + r[k].offset), S, r[k].addend, lo12);
            if (err) {
                char detail[64];
                ksnprintf(detail, sizeof detail, "type %u at %s+0x%lx", type,
                          section_name(o, (int)rela->info), r[k].offset);
                kprintf("insmod: %s: %s\n", o->file, err);
                return fail(o, "relocation failed", detail);
            }
        }
    }
    asm volatile("fence.i");                             /* we wrote instructions */
    return 0;
}

/* Step 4, and finding kmod_start / kmod_stop. */
static int collect_symbols(struct object *o, struct module *m)
{
    m->symbols = page_alloc();
    if (!m->symbols)
        return fail(o, "out of memory", NULL);
    int max = (int)(PAGE_SIZE / sizeof(struct module_symbol));
    for (int i = 0; i < o->h->shnum; i++) {
        const struct elf_section *symtab = &o->sections[i];
        if (symtab->type != SHT_SYMTAB)
            continue;
        const char *names = (const char *)o->data + o->sections[symtab->link].offset;
        u64 n = symtab->size / sizeof(struct elf_symbol);
        for (u64 k = 1; k < n; k++) {
            const struct elf_symbol *sym = symbol_at(o, symtab, k);
            if ((sym->info & 0xf) != STT_FUNC || sym->shndx >= o->h->shnum || !o->load_addr[sym->shndx])
                continue;
            u64 addr = o->load_addr[sym->shndx] + sym->value;
            const char *name = names + sym->name;
            if (strcmp(name, "kmod_start") == 0)
                m->start = (int (*)(void))addr;
            else if (strcmp(name, "kmod_stop") == 0)
                m->stop = (void (*)(void))addr;
            if (m->symbol_count < max) {
                struct module_symbol *ms = &m->symbols[m->symbol_count++];
                ms->addr = addr;
                ms->size = sym->size;
                strlcopy(ms->name, name, sizeof ms->name);
            }
        }
    }
    if (!m->start)
        return fail(o, "no kmod_start function", NULL);
    return 0;
}

static void module_free(struct module *m)
{
    if (m->base)
        free_area(m->base, m->size);
    if (m->symbols)
        page_free(m->symbols);
    page_free(m);
}

static void lock_modules(void)
{
    spin_lock(&setup_lock);
    if (!modules_lock_ready) {
        sleeplock_init(&modules_lock, "modules");
        modules_lock_ready = 1;
    }
    spin_unlock(&setup_lock);
    sleeplock_acquire(&modules_lock);
}

static struct module *find_module(const char *name)
{
    for (struct module *m = module_list; m; m = m->next)
        if (strcmp(m->name, name) == 0)
            return m;
    return NULL;
}

static void unlink_module(struct module *m)
{
    for (struct module **p = &module_list; *p; p = &(*p)->next) {
        if (*p == m) {
            *p = m->next;
            return;
        }
    }
}

int module_load(const char *file_name)
{
    static u64 load_addr_storage[64];             /* under modules_lock */
    struct object o = { .file = file_name };
    const struct initfs_file *f = initfs_find(file_name);
    if (!f)
        return -E_NOENT;
    if (f->kind != DIR_MODULE)
        return fail(&o, "not a module", NULL);
    o.data = f->data;
    o.size = f->size;
    o.h = (const struct elf_header *)f->data;
    if (!elf_header_ok(o.h, o.size, ELF_TYPE_REL))
        return fail(&o, "not a RISC-V relocatable ELF object", NULL);
    if (o.h->shentsize != sizeof(struct elf_section) || o.h->shnum > ARRAY_LEN(load_addr_storage) ||
        !in_file(&o, o.h->shoff, (u64)o.h->shnum * sizeof(struct elf_section)) || o.h->shstrndx >= o.h->shnum)
        return fail(&o, "bad section table", NULL);
    o.sections = (const struct elf_section *)(o.data + o.h->shoff);
    for (int i = 0; i < o.h->shnum; i++)
        if (o.sections[i].type != SHT_NOBITS && !in_file(&o, o.sections[i].offset, o.sections[i].size))
            return fail(&o, "section outside the file", NULL);
    const struct elf_section *names = &o.sections[o.h->shstrndx];
    if (names->size == 0 || o.data[names->offset + names->size - 1] != 0)
        return fail(&o, "bad section name table", NULL);
    o.section_names = (const char *)o.data + names->offset;
    for (int i = 0; i < o.h->shnum; i++)
        if (o.sections[i].name >= names->size)
            return fail(&o, "section name outside its table", NULL);
    if (o.h->shoff % 8)
        return fail(&o, "misaligned section table", NULL);
    int bad = check_symbols(&o);
    if (bad < 0)
        return bad;

    struct module *m = page_alloc();
    if (!m)
        return -E_NOMEM;
    strlcopy(m->name, file_name, sizeof m->name);
    int len = (int)strlen(m->name);
    if (len > 3 && strcmp(m->name + len - 3, ".ko") == 0)
        m->name[len - 3] = 0;

    lock_modules();
    if (find_module(m->name)) {
        sleeplock_release(&modules_lock);
        page_free(m);
        return -E_EXIST;
    }
    memset(load_addr_storage, 0, sizeof load_addr_storage);
    o.load_addr = load_addr_storage;
    int err = place_sections(&o, m);
    if (err == 0) err = relocate(&o);
    if (err == 0) err = collect_symbols(&o, m);
    if (err < 0) {
        module_free(m);
        sleeplock_release(&modules_lock);
        return err;
    }
    m->next = module_list;
    module_list = m;
    module_loaded(m);                              /* debugger: symbols now, before start */
    kprintf("module %s: loaded at 0x%lx (%lu bytes)\n", m->name, m->base, m->size);
    int rc = m->start();
    if (rc != 0) {
        kprintf("module %s: kmod_start failed (%d)\n", m->name, rc);
        module_unloading(m);
        unlink_module(m);
        module_free(m);
        sleeplock_release(&modules_lock);
        return -E_INVAL;
    }
    sleeplock_release(&modules_lock);
    return 0;
}

int module_unload(const char *name)
{
    lock_modules();
    struct module *m = find_module(name);
    if (!m) {
        sleeplock_release(&modules_lock);
        return -E_NOENT;
    }
    if (m->stop)
        m->stop();
    module_unloading(m);                           /* debugger: forget its symbols */
    unlink_module(m);
    kprintf("module %s: unloaded\n", m->name);
    module_free(m);
    sleeplock_release(&modules_lock);
    return 0;
}

int module_list_text(char *buf, int size)
{
    int n = 0;
    lock_modules();
    n += ksnprintf(buf + n, size - n, "%-12s %-18s %s\n", "MODULE", "TEXT", "SIZE");
    for (struct module *m = module_list; m && n < size; m = m->next) {
        u64 text = m->base;
        for (int i = 0; i < m->section_count; i++)
            if (strcmp(m->sections[i].name, ".text") == 0)
                text = m->sections[i].addr;
        n += ksnprintf(buf + n, size - n, "%-12s 0x%016lx %lu\n", m->name, text, m->size);
    }
    sleeplock_release(&modules_lock);
    return n < size ? n : size - 1;
}

/* For backtraces: no locking (panic may call it with anything held). */
const char *module_symbol_for(u64 addr, u64 *offset, const char **module_name)
{
    for (struct module *m = module_list; m; m = m->next) {
        if (addr < m->base || addr >= m->base + m->size)
            continue;
        *module_name = m->name;
        const struct module_symbol *best = NULL;
        for (int i = 0; i < m->symbol_count; i++)
            if (m->symbols[i].addr <= addr && (!best || m->symbols[i].addr > best->addr))
                best = &m->symbols[i];
        if (best) {
            *offset = addr - best->addr;
            return best->name;
        }
        return NULL;
    }
    return NULL;
}
