"""Write a known pattern into an RBD image, hash a whole image, or clone a
snapshot as Cinder's RBD driver does (and remove the clone), through librbd.

Usage (under /usr/bin/python3, Debian's python3-rbd; CEPH_CONF names the cluster):
  rbd_io.py write POOL IMAGE OFFSET LENGTH SEED
  rbd_io.py sha256 POOL IMAGE
  rbd_io.py clone POOL IMAGE SNAPSHOT CLONE
  rbd_io.py remove POOL IMAGE
The pattern is incompressible (SHA-256 in counter mode over SEED), so a backup
cannot pass by compressing it away, and every SEED gives different data.
"""

import hashlib
import os
import sys

import rados
import rbd

CHUNK = 4 * 2**20


def pattern(seed, length):
    blocks = (hashlib.sha256('{}:{}'.format(seed, i).encode()).digest()
              for i in range((length + 31) // 32))
    return b''.join(blocks)[:length]


def main():
    command, pool, name = sys.argv[1:4]
    with rados.Rados(conffile=os.environ['CEPH_CONF']) as cluster, \
            cluster.open_ioctx(pool) as ioctx:
        if command == 'clone':
            rbd.RBD().clone(ioctx, name, sys.argv[4], ioctx, sys.argv[5],
                            features=rbd.RBD_FEATURE_LAYERING)
        elif command == 'remove':
            rbd.RBD().remove(ioctx, name)
        else:
            with rbd.Image(ioctx, name) as image:
                read_or_write(command, image)


def read_or_write(command, image):
    if command == 'write':
        offset, length = int(sys.argv[4]), int(sys.argv[5])
        image.write(pattern(sys.argv[6], length), offset)
    else:
        digest = hashlib.sha256()
        size = image.size()
        for offset in range(0, size, CHUNK):
            digest.update(image.read(offset, min(CHUNK, size - offset)))
        print(digest.hexdigest())


if __name__ == '__main__':
    main()
