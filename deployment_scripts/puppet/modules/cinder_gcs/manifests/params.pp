# == Class: cinder_gcs::params
#
# Defaults for a Fuel 9 node (Ubuntu 14.04, Cinder Mitaka). The task
# manifests also use them as the defaults of the optional top-level Hiera
# overrides (cinder_gcs_backup_driver, cinder_gcs_install_client_libraries,
# cinder_gcs_manage_service), so each default is written once.
#
class cinder_gcs::params {
  # Mitaka's module path; later releases take a class path
  # (cinder.backup.drivers.gcs.GoogleBackupDriver since the module moved).
  $backup_driver            = 'cinder.backup.drivers.google'
  $install_client_libraries = true
  $manage_service           = true
  $credential_file          = '/var/lib/cinder/gcs-credentials.json'
  $backup_service           = 'cinder-backup'
  # Sourced by cinder-backup's upstart job as MOS (Fuel 9's packages)
  # builds it; upstart applies the override's env stanzas to any job.
  $backup_service_defaults  = '/etc/default/cinder-backup'
  $backup_service_override  = '/etc/init/cinder-backup.override'
  $libraries_dir            = '/usr/lib/fuel-plugin-cinder-gcs/python2.7'
  # The Python 2.7 that runs cinder-backup; it installs the libraries too.
  $python                   = '/usr/bin/python2.7'
  $local_settings           = '/etc/openstack-dashboard/local_settings.py'
  # As Fuel 9 restarts Apache (fuel-library's tweaks::apache_wrappers,
  # which its horizon task includes): on controllers Apache serves Keystone
  # too, and a graceful restart lets the requests in flight finish.
  $apache_reload            = 'sleep 30 && apachectl graceful || apachectl restart'
}
