"""The report mail server of the test stack: aiosmtpd requiring STARTTLS and AUTH.

Usage: smtp_server.py PORT CERT KEY MAILDIR
The one accepted login is SMTP_USER / SMTP_PASSWORD from the environment (not
the command line, so the password never shows in `ps`). Every accepted message
is stored in MAILDIR (a Maildir) for the tests and the demo's user to read.
"""

import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    port, cert, key, maildir = sys.argv[1:]
    user = os.environ['SMTP_USER'].encode()
    password = os.environ['SMTP_PASSWORD'].encode()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user and auth_data.password == password)
        # handled=False: aiosmtpd then answers a refused login with 535;
        # with its default (handled=True) it answers nothing and the client
        # hangs.
        return AuthResult(success=ok, handled=False)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    controller = Controller(
        Mailbox(maildir), hostname='127.0.0.1', port=int(port),
        tls_context=tls, require_starttls=True, auth_required=True,
        auth_require_tls=True, authenticator=authenticate)
    controller.start()
    print('smtp: listening on 127.0.0.1:{}'.format(port), flush=True)
    # Serve until the stack stops us with SIGTERM.
    threading.Event().wait()


if __name__ == '__main__':
    main()
