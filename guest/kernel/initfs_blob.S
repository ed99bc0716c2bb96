/*
 * initfs_blob.S: puts the initramfs archive (built by tools/mkinitfs.ts into
 * build/initfs.img) into the kernel image, between initfs_image and
 * initfs_image_end. The Makefile passes its path as INITFS_PATH.
 */
    .section .rodata.initfs, "a"
    .balign 8
    .globl initfs_image
initfs_image:
    .incbin INITFS_PATH
    .globl initfs_image_end
initfs_image_end:
