"""Write a known pattern into an RBD image, hash a whole image, clone a
snapshot as Cinder's RBD driver does (and remove the clone), count the
clients that have an image open, or remove an image from the RBD trash (as
`rbd trash rm` does), through librbd.

Usage (under /usr/bin/python3, Debian's python3-rbd; CEPH_CONF names the cluster):
  rbd_io.py write POOL IMAGE OFFSET LENGTH SEED
  rbd_io.py sha256 POOL IMAGE
  rbd_io.py clone POOL IMAGE SNAPSHOT CLONE
  rbd_io.py remove POOL IMAGE
  rbd_io.py watchers POOL IMAGE
  rbd_io.py trash-remove POOL IMAGE     (prints removed, busy or absent)
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
    command, pool, name, *arguments = sys.argv[1:]
    with rados.Rados(conffile=os.environ['CEPH_CONF']) as cluster, \
            cluster.open_ioctx(pool) as ioctx:
        if command == 'clone':
            snapshot, clone = arguments
            rbd.RBD().clone(ioctx, name, snapshot, ioctx, clone,
                            features=rbd.RBD_FEATURE_LAYERING)
        elif command == 'remove':
            rbd.RBD().remove(ioctx, name)
        elif command == 'write':
            offset, length, seed = arguments
            with rbd.Image(ioctx, name) as image:
                image.write(pattern(seed, int(length)), int(offset))
        elif command == 'watchers':
            with rbd.Image(ioctx, name, read_only=True) as image:
                print(len(list(image.watchers_list())))
        elif command == 'trash-remove':
            print(remove_from_trash(ioctx, name))
        elif command == 'sha256':
            with rbd.Image(ioctx, name) as image:
                print(sha256(image))
        else:
            sys.exit(__doc__)


def remove_from_trash(ioctx, name):
    """Ceph refuses while a client still watches the image, as the OSD keeps
    a dead client's watch for a while."""
    for entry in rbd.RBD().trash_list(ioctx):
        if entry['name'] == name:
            try:
                rbd.RBD().trash_remove(ioctx, entry['id'])
            except rbd.ImageBusy:
                return 'busy'
            return 'removed'
    return 'absent'


def sha256(image):
    digest = hashlib.sha256()
    size = image.size()
    for offset in range(0, size, CHUNK):
        digest.update(image.read(offset, min(CHUNK, size - offset)))
    return digest.hexdigest()


if __name__ == '__main__':
    main()
