"""Baseline (c) of the benchmark: what an operator would write instead of the
workbook. Not a tool of the plugin.

The same Cinder calls as create_backups_workflow, one volume after another,
with python-cinderclient: read the volume, snapshot it (force, as the
workbook does), poll the snapshot, back the snapshot up, poll the backup,
delete the snapshot. The polls back off as the workbook's do: the first
after 2 s (POLL_INTERVAL if shorter), then after as many seconds as the wait
has lasted (at least 1), at most POLL_INTERVAL. Run under /usr/bin/python3
(Debian's cinderclient), with the OS_* variables of an openrc.

Usage:
  plain_backup_loop.py backup NAME POLL_INTERVAL VOLUME_ID...
  plain_backup_loop.py list
Prints one JSON object: each volume's outcome (backup) or how many volumes
were listed and how long the listing took (list), and the peak resident
memory of this process.
"""

import json
import os
import resource
import sys
import time

from cinderclient import client
from keystoneauth1 import loading
from keystoneauth1 import session

SNAPSHOT_DELETE_ATTEMPTS = 5


def cinder():
    auth = loading.get_plugin_loader('password').load_from_options(
        auth_url=os.environ['OS_AUTH_URL'], username=os.environ['OS_USERNAME'],
        password=os.environ['OS_PASSWORD'], project_name=os.environ['OS_PROJECT_NAME'],
        user_domain_name=os.environ['OS_USER_DOMAIN_NAME'],
        project_domain_name=os.environ['OS_PROJECT_DOMAIN_NAME'])
    return client.Client('3', session=session.Session(auth=auth))


def wait_while(status, get, poll_interval):
    """Poll GET until its status is no longer STATUS; return the new one."""
    began = time.monotonic()
    time.sleep(min(2, poll_interval))
    while True:
        current = get().status
        if current != status:
            return current
        time.sleep(min(poll_interval, max(1, int(time.monotonic() - began))))


def delete_snapshot(api, snapshot_id, poll_interval):
    """Cinder may hold the snapshot a moment after the backup ends."""
    for attempt in range(SNAPSHOT_DELETE_ATTEMPTS):
        try:
            api.volume_snapshots.delete(snapshot_id)
            return
        except Exception:
            if attempt == SNAPSHOT_DELETE_ATTEMPTS - 1:
                raise
            time.sleep(poll_interval)


def back_up(api, volume_id, name, poll_interval):
    if api.volumes.get(volume_id).status not in ('available', 'in-use'):
        return 'skipped'
    snapshot = api.volume_snapshots.create(volume_id, force=True, name=name)
    try:
        status = wait_while('creating', lambda: api.volume_snapshots.get(snapshot.id),
                            poll_interval)
        if status != 'available':
            return 'failed'
        backup = api.backups.create(volume_id, name=name, snapshot_id=snapshot.id)
        status = wait_while('creating', lambda: api.backups.get(backup.id), poll_interval)
        return 'backed_up' if status == 'available' else 'failed'
    finally:
        delete_snapshot(api, snapshot.id, poll_interval)


def main():
    api = cinder()
    if sys.argv[1] == 'backup':
        name, poll_interval = sys.argv[2], float(sys.argv[3])
        result = {'volumes': {volume_id: back_up(api, volume_id, name, poll_interval)
                              for volume_id in sys.argv[4:]}}
    else:
        began = time.monotonic()
        listed = api.volumes.list(detailed=False, search_opts={'all_tenants': True})
        result = {'listed': len(listed), 'seconds': time.monotonic() - began}
    result['max_rss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == '__main__':
    main()
