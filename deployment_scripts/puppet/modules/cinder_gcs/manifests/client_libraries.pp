# == Class: cinder_gcs::client_libraries
#
# Installs the Google client libraries that Mitaka's GCS driver imports
# (google-api-python-client 1.5.x, oauth2client and their dependencies)
# from the distributions bundled in this module, after checking every file
# against the hashes pinned in requirements.txt: the node needs no access
# to PyPI, and no pip (files/install_python_libs.sh says why and how).
#
# They go into a directory of their own that only cinder-backup sees
# (PYTHONPATH in its job's environment): Ubuntu's older python-six,
# python-httplib2, python-oauth2client... stay as dpkg installed them for
# every other OpenStack service on the node, untouched.
#
# === Parameters
#
# [*target*]
#   (required) Directory the libraries are installed into.
#
# [*python*]
#   (required) The Python 2.7 that runs cinder-backup, with setuptools.
#
# [*backup_service_defaults*]
#   (required) Environment file that cinder-backup's upstart job sources
#   when MOS built it, as for Fuel 9's packages.
#
# [*backup_service_override*]
#   (required) Upstart override file of the cinder-backup job: its env
#   stanzas reach the job whoever wrote the job file (Ubuntu's own jobs do
#   not source the environment file). Other lines of it stay.
#
class cinder_gcs::client_libraries (
  $target,
  $python,
  $backup_service_defaults,
  $backup_service_override,
) {
  $module_dir = get_module_path($module_name)
  $files      = "${module_dir}/files"
  $installer  = "${files}/install_python_libs.sh"
  $dists      = "${files}/python-libs"

  exec { 'cinder-gcs-install-client-libraries':
    command   => "${installer} install ${dists} ${target} ${python}",
    unless    => "${installer} check ${dists} ${target}",
    path      => ['/usr/bin', '/bin', '/usr/sbin', '/sbin'],
    logoutput => true,
  }

  # file_line of Fuel 9's stdlib cannot create a missing file.
  file { $backup_service_defaults:
    ensure => file,
  }
  file_line { 'cinder-gcs-backup-pythonpath':
    path    => $backup_service_defaults,
    line    => "export PYTHONPATH=${target}",
    match   => '^export PYTHONPATH=',
    require => [File[$backup_service_defaults], Exec['cinder-gcs-install-client-libraries']],
  }
  file { $backup_service_override:
    ensure => file,
  }
  file_line { 'cinder-gcs-backup-override-pythonpath':
    path    => $backup_service_override,
    line    => "env PYTHONPATH=${target}",
    match   => '^env PYTHONPATH=',
    require => [File[$backup_service_override], Exec['cinder-gcs-install-client-libraries']],
  }
}
