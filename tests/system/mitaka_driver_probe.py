"""Backs up and restores a volume file with cinder 8.1.1's (Mitaka's) GCS
driver, as cinder-backup's manager calls it, and prints what happened as
JSON. Python 2.7, in .venv/mitaka-cinder, with the PYTHONPATH of the node's
/etc/default/cinder-backup in front.

The whole cinder-backup service cannot run here (Mitaka's RPC, volume
drivers and service framework against Zed's services); this drives the
driver class itself: the backup_driver module cinder.conf names,
get_backup_driver(), backup() of a full and an incremental backup, and
restore() of each, with Backup objects in a Cinder 8.1.1 database (SQLite,
migrated by Cinder's own migrations). Notifications go to oslo.messaging's
noop driver, the transport is its in-memory fake: nothing listens for them.

Usage: mitaka_driver_probe.py CINDER_CONF WORK_DIR [--full-only]
"""

from __future__ import print_function

import hashlib
import io
import json
import logging
import os
import platform
import sys

from oslo_config import cfg
from oslo_utils import importutils
import sqlalchemy

from cinder.backup import manager  # noqa: F401 (registers backup_driver)
from cinder import context
from cinder import db
from cinder.db import migration
from cinder.db.sqlalchemy import api as db_api
from cinder import objects
from cinder import rpc
from cinder import version

MIB = 1024 * 1024
VOLUME_BYTES = 5 * MIB
# Bytes an incremental backup must carry: two changed extents.
CHANGES = [(1 * MIB, b'\x01' * 65536), (4 * MIB + 12345, b'\x02' * 1000)]
LIBRARY_MODULES = ('googleapiclient', 'oauth2client', 'httplib2', 'six', 'uritemplate',
                   'rsa', 'pyasn1')


class Records(logging.Handler):
    """Everything logged at WARNING or above, tracebacks included."""

    def __init__(self):
        logging.Handler.__init__(self, logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def configure(cinder_conf, work):
    """cinder.conf as the plugin's Puppet task wrote it, then the test's
    own database and notification settings (later files win)."""
    local = os.path.join(work, 'test-only.conf')
    with open(local, 'w') as out:
        out.write('[DEFAULT]\ntransport_url = fake://\n'
                  '[database]\nconnection = sqlite:///{}\n'
                  '[oslo_messaging_notifications]\ndriver = noop\n'.format(
                      os.path.join(work, 'cinder.sqlite')))
    # Registers cinder's options (cinder.common.config) before they are read.
    objects.register_all()
    cfg.CONF(['--config-file', cinder_conf, '--config-file', local], project='cinder')
    rpc.init(cfg.CONF)
    engine = db_api.get_engine()
    # Debian 12's SQLite 3.40 breaks Cinder's migration 011 otherwise
    # (NoSuchTableError: migration_tmp); Fuel 9 nodes run MySQL.
    sqlalchemy.event.listen(
        engine, 'connect',
        lambda connection, _: connection.execute('PRAGMA legacy_alter_table = ON'))
    migration.db_sync()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def backup_and_restore(driver, ctxt, volume, name, data, parent=None):
    backup = objects.Backup(context=ctxt, volume_id=volume.id, user_id=ctxt.user_id,
                            project_id=ctxt.project_id, status='creating', size=volume.size,
                            display_name=name, availability_zone='nova', host='node-2',
                            parent_id=parent.id if parent else None)
    backup.create()
    outcome = {'id': backup.id, 'source_sha256': sha256(data)}
    try:
        driver.backup(backup, io.BytesIO(data))
    except Exception as error:  # what the manager would record as fail_reason
        outcome['error'] = '{}: {}'.format(type(error).__name__, error)
        return backup, outcome
    backup.status = 'available'
    backup.save()
    restored = io.BytesIO(b'\0' * len(data))
    driver.restore(backup, volume.id, restored)
    outcome.update(prefix=backup.service_metadata, container=backup.container,
                   restored_sha256=sha256(restored.getvalue()))
    return backup, outcome


def main(cinder_conf, work, *flags):
    records = Records()
    logging.getLogger().addHandler(records)
    logging.getLogger().setLevel(logging.WARNING)
    configure(cinder_conf, work)
    ctxt = context.RequestContext('mitaka-user', 'mitaka-project', is_admin=True)
    volume = db.volume_create(ctxt, {
        'size': 1, 'status': 'backing-up', 'host': 'node-2@lvm#lvm',
        'availability_zone': 'nova', 'display_name': 'mitaka-volume',
        'user_id': ctxt.user_id, 'project_id': ctxt.project_id})
    # As cinder-backup's manager loads it: the module cinder.conf names.
    driver = importutils.import_module(cfg.CONF.backup_driver).get_backup_driver(ctxt)

    data = bytearray(os.urandom(VOLUME_BYTES))
    report = {'python': platform.python_version(),
              'cinder': version.version_info.release_string(),
              'driver': '{}.{}'.format(type(driver).__module__, type(driver).__name__)}
    if '--full-only' in flags:
        _, report['full'] = backup_and_restore(driver, ctxt, volume, 'full', bytes(data))
    else:
        full, report['full'] = backup_and_restore(driver, ctxt, volume, 'full', bytes(data))
        for offset, change in CHANGES:
            data[offset:offset + len(change)] = change
        _, report['incremental'] = backup_and_restore(
            driver, ctxt, volume, 'incremental', bytes(data), parent=full)
    report['library_files'] = {name: module.__file__ for name, module in sys.modules.items()
                               if name in LIBRARY_MODULES}
    report['warnings'] = records.lines
    print(json.dumps(report))


if __name__ == '__main__':
    main(*sys.argv[1:])
