"""STAND-IN for upstart 1.12, the init of Ubuntu 14.04 (Fuel 9's nodes),
which cannot run here: how it starts a job's main process, as init(5)
describes it, for what a cinder-backup job uses. The environment: upstart's
own few variables, then the job file's `env` stanzas, then its override
file's (/etc/init/<job>.override, read for any job); the command: the
override's `exec` or `script` if it has one, else the job file's, a
script run by `/bin/sh -e`."""

BASE_ENVIRONMENT = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
                    'TERM': 'linux'}


def _stanzas(text):
    """(env {name: value}, main process: ('exec', line) or ('script', text)
    or None) of a job or override file."""
    env, main, lines = {}, None, iter(text.splitlines())
    for line in lines:
        words = line.strip().split(None, 1)
        if not words or words[0].startswith('#'):
            continue
        if words[0] == 'env':
            name, _, value = words[1].partition('=')
            env[name] = value.strip('"')
        elif words[0] == 'exec':
            main = ('exec', words[1])
        elif words[0] == 'script':
            body = []
            for body_line in lines:
                if body_line.strip() == 'end script':
                    break
                body.append(body_line)
            main = ('script', '\n'.join(body))
        elif words[0] in ('pre-start', 'post-start', 'pre-stop', 'post-stop'):
            # Not the main process: skip a script section.
            if words[1:] == ['script']:
                for body_line in lines:
                    if body_line.strip() == 'end script':
                        break
    return env, main


def main_process(job, job_text, override_text=''):
    """(environment, argv) of job JOB's main process."""
    job_env, job_main = _stanzas(job_text)
    override_env, override_main = _stanzas(override_text)
    environment = dict(BASE_ENVIRONMENT, UPSTART_JOB=job, UPSTART_INSTANCE='')
    environment.update(job_env)
    environment.update(override_env)
    kind, body = override_main or job_main
    return environment, ['/bin/sh', '-e', '-c', body if kind == 'script' else 'exec ' + body]
