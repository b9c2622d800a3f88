"""Write one object with Cinder's GCS driver, as cinder-backup would.

Usage (under /usr/bin/python3, with cinder-backup's environment):
  gcs_writer_probe.py CINDER_CONF OBJECT_NAME [--with-workaround]
Prints "written" or the exception the driver's GoogleObjectWriter raised.
"""

import sys

sys.path.insert(0, sys.path[0] + '/../../tools/stack')


def main():
    conf_file, object_name = sys.argv[1:3]
    from cinder import context, objects
    from cinder.backup.drivers import gcs
    objects.register_all()
    gcs.CONF(['--config-file', conf_file], project='cinder')
    if '--with-workaround' in sys.argv:
        import cinder_backup
        cinder_backup.work_around_gcs_md5_encode_bug()
    driver = gcs.GoogleBackupDriver(context.get_admin_context())
    driver.put_container(gcs.CONF.backup_gcs_bucket)
    try:
        with driver.get_object_writer(gcs.CONF.backup_gcs_bucket, object_name) as writer:
            writer.write(b'probe data\n')
    except Exception as error:
        print('{}: {}'.format(type(error).__name__, error))
    else:
        print('written')


if __name__ == '__main__':
    main()
