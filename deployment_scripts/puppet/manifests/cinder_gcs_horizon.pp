# Task cinder-gcs-horizon (controllers): show the Volume Backups panel.
include cinder_gcs::horizon
