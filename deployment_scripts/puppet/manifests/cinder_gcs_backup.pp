# Task cinder-gcs-backup-ceph (controllers) and cinder-gcs-backup-lvm
# (cinder nodes): configure cinder-backup for Google Cloud Storage.
notice('MODULAR: fuel-plugin-cinder-gcs/cinder_gcs_backup.pp')

include cinder_gcs::params

class { 'cinder_gcs':
  settings                 => hiera_hash('fuel-plugin-cinder-gcs'),
  backup_driver            => hiera('cinder_gcs_backup_driver', $cinder_gcs::params::backup_driver),
  install_client_libraries => hiera('cinder_gcs_install_client_libraries',
                                    $cinder_gcs::params::install_client_libraries),
  manage_service           => hiera('cinder_gcs_manage_service', $cinder_gcs::params::manage_service),
}
