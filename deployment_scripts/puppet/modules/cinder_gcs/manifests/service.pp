# == Class: cinder_gcs::service
#
# Restarts cinder-backup when notified. Fuel's own tasks decide whether the
# service runs, so it is only restarted when already running (Puppet skips
# the restart of a stopped service without 'ensure').
#
# === Parameters
#
# [*service_name*]
#   (required) Name of the cinder-backup service.
#
class cinder_gcs::service (
  $service_name,
) {
  # Stop, then start: upstart's `restart` keeps the job's configuration as
  # it was when the job started, without a new env stanza of its override.
  service { $service_name:
    hasstatus  => true,
    hasrestart => false,
  }
}
