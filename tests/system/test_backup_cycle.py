"""Test 1: a volume backed up to GCS and restored, through the plugin's configuration.

cinder-backup reads the cinder.conf options and key file the plugin's
deployment task wrote; the unmodified GCS driver talks to the emulator.
"""

MIB = 2**20


def test_full_and_incremental_backups_restore_the_same_bytes(stack, new_volumes, rbd, gcs):
    bucket = stack.settings['backup_gcs_bucket']
    source = new_volumes.create('backup-cycle-source', data_mib=0)
    rbd.write(source, 0, 4 * MIB, 'full-head')
    rbd.write(source, 700 * MIB, 2 * MIB, 'full-middle')
    full_digest = rbd.sha256(source)

    full = new_volumes.backup(source, 'backup-cycle-full')

    assert gcs.bucket_creations(bucket) == [{
        'name': bucket, 'location': stack.settings['backup_gcs_bucket_location'],
        'storageClass': stack.settings['backup_gcs_storage_class']}]
    full_objects = gcs.object_names(bucket, 'volume_{}/'.format(source))
    assert any(full in name for name in full_objects), full_objects
    object_size = int(stack.settings['backup_gcs_object_size'])
    data_objects = [name for name in full_objects
                    if full in name and not name.endswith(('_metadata', '_sha256file'))]
    assert len(data_objects) == 1024 * MIB // object_size

    assert rbd.sha256(new_volumes.restore(full)) == full_digest

    rbd.write(source, 300 * MIB, 1 * MIB, 'incremental-change')
    changed_digest = rbd.sha256(source)
    assert changed_digest != full_digest

    incremental = new_volumes.backup(source, 'backup-cycle-incremental', incremental=True)

    incremental_objects = [name for name in gcs.object_names(bucket, 'volume_{}/'.format(source))
                           if incremental in name
                           and not name.endswith(('_metadata', '_sha256file'))]
    # Only the object holding the changed MiB is uploaded again.
    assert len(incremental_objects) == 1, incremental_objects
    assert rbd.sha256(new_volumes.restore(incremental)) == changed_digest
