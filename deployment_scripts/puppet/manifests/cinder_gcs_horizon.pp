# Task cinder-gcs-horizon (controllers): show the Volume Backups panel.
notice('MODULAR: fuel-plugin-cinder-gcs/cinder_gcs_horizon.pp')

include cinder_gcs::horizon
