"""Create the test stack's projects, users, services and endpoints in Keystone.

Usage: identity.py < spec.json (passwords come on stdin, never in argv).
Runs under /usr/bin/python3 with Debian's keystoneclient, in one process
(dozens of `openstack` calls would each pay the CLI's start-up).
spec: {"auth_url", "admin_password",
       "users": [{"name", "password", "project", "role"}],
       "endpoints": [{"type", "name", "url"}]}
"""

import json
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client


def main():
    spec = json.load(sys.stdin)
    auth = v3.Password(auth_url=spec['auth_url'], username='admin',
                       password=spec['admin_password'], project_name='admin',
                       user_domain_id='default', project_domain_id='default')
    keystone = client.Client(session=session.Session(auth=auth))
    roles = {role.name: role for role in keystone.roles.list()}
    projects = {}
    for user in spec['users']:
        name = user['project']
        if name not in projects:
            projects[name] = keystone.projects.create(name, 'default')
        created = keystone.users.create(user['name'], domain='default',
                                        password=user['password'],
                                        default_project=projects[name])
        keystone.roles.grant(roles[user['role']], user=created,
                             project=projects[name])
    region = 'RegionOne'
    for endpoint in spec['endpoints']:
        service = keystone.services.create(endpoint['name'],
                                           type=endpoint['type'])
        for interface in ('public', 'internal', 'admin'):
            keystone.endpoints.create(service, endpoint['url'],
                                      interface=interface, region=region)


if __name__ == '__main__':
    main()
