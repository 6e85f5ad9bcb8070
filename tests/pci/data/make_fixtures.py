#!/usr/bin/env python3
"""Write the PCI fixtures of tests/pci: an lspci -x style dump and a fake
sysfs tree, both holding an Alveo U280 (10ee:500c) with a PCI Express
capability (Gen3 x16 capable, running Gen3 x8) plus one unrelated device.
Run from this folder; the outputs are checked in."""
import os
import struct


def config(vendor, device, cls, subsys_vendor, subsys_id, bar0, pcie=None):
    c = bytearray(256)
    struct.pack_into('<HHHH', c, 0, vendor, device, 0x0406, 0x0010 if pcie else 0)
    c[0x09:0x0c] = bytes([0, (cls >> 8) & 0xff, cls >> 16])   # prog-if, subclass, class
    c[0x0e] = 0                                               # header type 0
    struct.pack_into('<I', c, 0x10, bar0)
    struct.pack_into('<HH', c, 0x2c, subsys_vendor, subsys_id)
    if pcie:
        speed_max, width_max, speed_cur, width_cur = pcie
        c[0x34] = 0x40
        c[0x40] = 0x10                                        # PCI Express, last capability
        struct.pack_into('<H', c, 0x42, 0x0002)               # version 2, endpoint
        struct.pack_into('<I', c, 0x4c, speed_max | width_max << 4)   # Link Capabilities
        struct.pack_into('<H', c, 0x52, speed_cur | width_cur << 4)   # Link Status
    return bytes(c)


CARD = ('0000:03:00.0', config(0x10ee, 0x500c, 0x120000, 0x10ee, 0x000e, 0xf0000000,
                               (3, 16, 3, 8)))
OTHER = ('0000:00:1f.0', config(0x8086, 0x1234, 0x060100, 0x8086, 0x0001, 0, None))


def dump_lines(bdf, cfg):
    # the device line needs the trailing space after BB:DD.F
    out = [bdf[5:] + ' \n']
    for off in range(0, len(cfg), 16):
        out.append('%02x: %s\n' % (off, ' '.join('%02x' % b for b in cfg[off:off + 16])))
    return out


with open('u280.dump', 'w') as f:
    for bdf, cfg in (OTHER, CARD):
        f.writelines(dump_lines(bdf, cfg))
        f.write('\n')
with open('none.dump', 'w') as f:
    f.writelines(dump_lines(*OTHER))
with open('garbage.dump', 'w') as f:
    f.write('03:00.0 \n00: zz zz\n')


def sysfs_device(root, bdf, cfg, numa, driver, bars):
    d = os.path.join(root, 'devices', bdf)
    os.makedirs(d, exist_ok=True)
    vendor, device = struct.unpack_from('<HH', cfg, 0)
    sv, sd = struct.unpack_from('<HH', cfg, 0x2c)
    cls = cfg[0x0b] << 16 | cfg[0x0a] << 8 | cfg[0x09]
    files = {
        'vendor': '0x%04x\n' % vendor, 'device': '0x%04x\n' % device,
        'subsystem_vendor': '0x%04x\n' % sv, 'subsystem_device': '0x%04x\n' % sd,
        'class': '0x%06x\n' % cls, 'revision': '0x00\n', 'irq': '0\n',
        'numa_node': '%d\n' % numa,
    }
    for name, text in files.items():
        with open(os.path.join(d, name), 'w') as f:
            f.write(text)
    with open(os.path.join(d, 'config'), 'wb') as f:
        f.write(cfg)
    with open(os.path.join(d, 'resource'), 'w') as f:
        for i in range(13):
            start, size = bars.get(i, (0, 0))
            end = start + size - 1 if size else 0
            flags = 0x40200 if size else 0
            f.write('0x%016x 0x%016x 0x%016x\n' % (start, end, flags))
    # libpci resolves the link, so its target must exist (and be in git)
    link = os.path.join(d, 'driver')
    if driver:
        target = os.path.join(root, 'bus', 'pci', 'drivers', driver)
        os.makedirs(target, exist_ok=True)
        open(os.path.join(target, '.keep'), 'w').close()
        if os.path.islink(link):
            os.remove(link)
        os.symlink('../../bus/pci/drivers/' + driver, link)


sysfs_device('sysfs', CARD[0], CARD[1], 1, 'xclmgmt',
             {0: (0xf0000000, 32 << 20), 2: (0xf4000000, 128 << 10)})
sysfs_device('sysfs', OTHER[0], OTHER[1], 0, None, {})
