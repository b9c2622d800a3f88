# == Class: cinder_gcs::horizon
#
# Shows the Volume Backups panel in Horizon and reloads Apache when that
# changed.
#
# The line is appended to local_settings.py rather than edited inside the
# OPENSTACK_CINDER_FEATURES dict: it overrides the dict's value wherever the
# dict is, and still works when the file has no such dict.
#
# === Parameters
#
# [*local_settings*]
#   (optional) Horizon's settings file.
#   Defaults to '/etc/openstack-dashboard/local_settings.py'.
#
# [*apache_reload*]
#   (optional) Command that reloads Apache.
#   Defaults to Fuel 9's 'sleep 30 && apachectl graceful || apachectl restart'.
#
class cinder_gcs::horizon (
  $local_settings = $cinder_gcs::params::local_settings,
  $apache_reload  = $cinder_gcs::params::apache_reload,
) inherits cinder_gcs::params {
  file_line { 'cinder-gcs-horizon-enable-backup':
    path  => $local_settings,
    line  => "OPENSTACK_CINDER_FEATURES = dict(globals().get('OPENSTACK_CINDER_FEATURES', {}), enable_backup=True)",
    match => '^OPENSTACK_CINDER_FEATURES = dict\(globals\(\)',
  }
  # Skipped when Apache is not running, as Puppet does for any service.
  service { 'apache2':
    restart   => $apache_reload,
    subscribe => File_line['cinder-gcs-horizon-enable-backup'],
  }
}
