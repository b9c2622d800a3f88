# == Class: cinder_gcs
#
# Configures Cinder's Google Cloud Storage backup driver on a node that runs
# cinder-backup: checks every setting, writes the service account key,
# sets the backup_gcs_* options, installs the bundled client libraries and
# restarts cinder-backup when any of these changed.
#
# The settings are checked while the catalog is compiled, so an invalid
# value stops the run before any file is touched.
#
# Why not puppet-cinder's cinder::backup::google: Fuel 9's puppet-cinder
# (Mitaka) predates that class, and the class in later releases (e.g.
# Debian's 21.0.0) writes the timer option as the misspelt
# backup_gcs_enable_project_timer, which Cinder ignores. It cannot check
# the key either.
#
# === Parameters
#
# [*settings*]
#   (required) The plugin's settings as Fuel passes them, the Hiera hash
#   'fuel-plugin-cinder-gcs': one key per setting of environment_config.yaml.
#
# [*backup_driver*]
#   (optional) Value of backup_driver in cinder.conf.
#   Defaults to 'cinder.backup.drivers.google' (Mitaka).
#
# [*install_client_libraries*]
#   (optional) Whether to install the bundled Python 2.7 Google client
#   libraries: true or false (also as the strings 'true' and 'false').
#   Defaults to true.
#
# [*manage_service*]
#   (optional) Whether to restart cinder-backup after a change: true or
#   false (also as strings). Defaults to true.
#
# [*credential_file*]
#   (optional) Where the key is written; backup_gcs_credential_file points
#   at it. Defaults to '/var/lib/cinder/gcs-credentials.json'.
#
# [*backup_service*]
#   (optional) Name of the cinder-backup service. Defaults to 'cinder-backup'.
#
# [*backup_service_defaults*]
#   (optional) Environment file of the cinder-backup service, which gets the
#   libraries' PYTHONPATH. Defaults to '/etc/default/cinder-backup'.
#
# [*backup_service_override*]
#   (optional) Upstart override file of the cinder-backup job, which gets
#   the libraries' PYTHONPATH as an env stanza. Defaults to
#   '/etc/init/cinder-backup.override'.
#
# [*libraries_dir*]
#   (optional) Directory the client libraries are installed into.
#   Defaults to '/usr/lib/fuel-plugin-cinder-gcs/python2.7'.
#
# [*python*]
#   (optional) The Python 2.7 that runs cinder-backup and installs the
#   libraries (with its setuptools; no pip). Defaults to '/usr/bin/python2.7'.
#
class cinder_gcs (
  $settings,
  $backup_driver            = $cinder_gcs::params::backup_driver,
  $install_client_libraries = $cinder_gcs::params::install_client_libraries,
  $manage_service           = $cinder_gcs::params::manage_service,
  $credential_file          = $cinder_gcs::params::credential_file,
  $backup_service           = $cinder_gcs::params::backup_service,
  $backup_service_defaults  = $cinder_gcs::params::backup_service_defaults,
  $backup_service_override  = $cinder_gcs::params::backup_service_override,
  $libraries_dir            = $cinder_gcs::params::libraries_dir,
  $python                   = $cinder_gcs::params::python,
) inherits cinder_gcs::params {

  cinder_gcs_validate_settings($settings)
  $installs_libraries = cinder_gcs_boolean($install_client_libraries, 'cinder_gcs::install_client_libraries')
  $manages_service    = cinder_gcs_boolean($manage_service, 'cinder_gcs::manage_service')

  class { 'cinder_gcs::credentials':
    key  => $settings['gcs_service_account_key'],
    path => $credential_file,
  }
  class { 'cinder_gcs::config':
    backup_driver                    => $backup_driver,
    backup_gcs_credential_file       => $credential_file,
    backup_gcs_project_id            => $settings['backup_gcs_project_id'],
    backup_gcs_bucket                => $settings['backup_gcs_bucket'],
    backup_gcs_bucket_location       => $settings['backup_gcs_bucket_location'],
    backup_gcs_storage_class         => $settings['backup_gcs_storage_class'],
    backup_gcs_object_size           => $settings['backup_gcs_object_size'],
    backup_gcs_block_size            => $settings['backup_gcs_block_size'],
    backup_gcs_reader_chunk_size     => $settings['backup_gcs_reader_chunk_size'],
    backup_gcs_writer_chunk_size     => $settings['backup_gcs_writer_chunk_size'],
    backup_gcs_num_retries           => $settings['backup_gcs_num_retries'],
    backup_gcs_retry_error_codes     => $settings['backup_gcs_retry_error_codes'],
    backup_gcs_user_agent            => $settings['backup_gcs_user_agent'],
    backup_gcs_enable_progress_timer => $settings['backup_gcs_enable_progress_timer'],
  }
  contain 'cinder_gcs::credentials'
  contain 'cinder_gcs::config'
  # The option never points at a key file that is not there yet.
  Class['cinder_gcs::credentials'] -> Class['cinder_gcs::config']

  if $installs_libraries {
    class { 'cinder_gcs::client_libraries':
      target                  => $libraries_dir,
      python                  => $python,
      backup_service_defaults => $backup_service_defaults,
      backup_service_override => $backup_service_override,
    }
    contain 'cinder_gcs::client_libraries'
    # cinder.conf names the GCS driver only once its libraries are in place:
    # a failed install leaves cinder.conf as it was, and cinder-backup keeps
    # starting (the driver is imported at start).
    Class['cinder_gcs::client_libraries'] -> Class['cinder_gcs::config']
  }

  if $manages_service {
    class { 'cinder_gcs::service':
      service_name => $backup_service,
    }
    contain 'cinder_gcs::service'
    Class['cinder_gcs::credentials'] ~> Class['cinder_gcs::service']
    Class['cinder_gcs::config'] ~> Class['cinder_gcs::service']
    if $installs_libraries {
      Class['cinder_gcs::client_libraries'] ~> Class['cinder_gcs::service']
    }
  }
}
