"""create_backups_workflow's tasks from its volumes' entries to its report,
through the workbook's own expressions (BackupRun), for the workbook tests
and the record of its field sizes (field_sizes.py)."""


# How Mistral 2.0.0 words an action's error (its default_executor.py).
MITAKA_ACTION_ERROR = ("Failed to run action [action_ex_id=a1, action_cls='<class "
                       "'mistral.actions.openstack.actions.CinderAction'>', attributes='{{u'client_"
                       "method_name': u'{}'}}', params='{}']\n {}")


def volume_entry(volume_id, outcome, name=None, project_id=None, size_gib=None,
                 backup_id=None, incremental=False, note=None, snapshot_left=None):
    """One volume's entry: the output of its _back_up_volume_workflow."""
    return dict(volume_id=volume_id, name=name, project_id=project_id, size_gib=size_gib,
                outcome=outcome, backup_id=backup_id, incremental=incremental, note=note,
                snapshot_left=snapshot_left)


def group(outcome, note, volume_ids, snapshots_left=False):
    """One group of create_backups_workflow's output."""
    return dict(outcome=outcome, note=note, snapshots_left=snapshots_left,
                volume_ids=volume_ids)


class BackupRun:
    """What create_backups_workflow makes of its volumes' entries, through
    the expressions of its tasks in their order: each worker's output, the
    groups summarize_backups publishes, the bucket race's second pass, the
    groups record_outcomes publishes, the counts and the report. FIELDS
    holds each value Mistral 2.0.0 stores in a field it limits, by where
    it is stored."""

    def __init__(self, workbook, evaluate, workers, volume_ids=None, again=None,
                 volumes_id_list=None):
        """WORKERS: each worker's entries (None: Mistral lost the worker);
        VOLUME_IDS: the selection (all the workers' volumes by default);
        AGAIN: the entries of the race's second pass."""
        self.evaluate = evaluate
        self.workflows = workflows = workbook['workflows']
        tasks = workflows['create_backups_workflow']['tasks']
        worker_output = workflows['_back_up_volumes_in_turn_workflow']['output']['outcomes']
        if volume_ids is None:
            volume_ids = [entry['volume_id'] for entries in workers for entry in entries or []
                          if isinstance(entry, dict)]
        self.fields = fields = {'select_volumes published': {'volume_ids': volume_ids}}
        outputs = []
        for number, entries in enumerate(workers):
            if entries is None:
                outputs.append('Mistral lost it')
                continue
            fields['worker {} input'.format(number)] = {'volume_ids': [
                entry['volume_id'] for entry in entries if isinstance(entry, dict)]}
            outputs.append(self.publish('worker {} output'.format(number), {
                'outcomes': self.result_of(worker_output, entries)}))
        data = {'volume_ids': volume_ids, 'volumes_id_list': volumes_id_list,
                'report_to_list': ['ops@example.com'], 'started_at': 0}
        data.update(self.publish('summarize_backups published', {
            'outcomes': self.result_of(tasks['summarize_backups']['publish']['outcomes'],
                                       outputs, data)}))
        self.raced = data['raced_volume_ids'] = self.result_of(
            tasks['find_volumes_lost_to_bucket_race']['publish']['raced_volume_ids'], None, data)
        if self.raced:
            second = self.publish('second pass output', {
                'outcomes': self.result_of(worker_output, again or [])})
            data.update(self.publish('back_up_raced_volumes published', {
                'outcomes': self.result_of(tasks['back_up_raced_volumes']['publish']['outcomes'],
                                           second, data)}))
        data.update(self.publish('record_outcomes published', {
            'outcomes': self.result_of(tasks['record_outcomes']['publish']['outcomes'], None,
                                       data)}))
        self.outcomes = data['outcomes']
        data.update(self.publish('count_outcomes published', {
            name: self.result_of(expression, None, data)
            for name, expression in tasks['count_outcomes']['publish'].items()}))
        self.lines = data['report_lines']
        report = {name: self.result_of(expression, None, data, execution={'id': 'e1'})
                  for name, expression in tasks['send_backup_report']['input'].items()}
        self.publish('_send_report_workflow input', report)
        self.subject, self.summary = report['subject'], report['summary']
        ends = [target for branch in tasks['send_backup_report']['on-success']
                for target, condition in branch.items() if self.result_of(condition, None, data)]
        self.end = ends[0] if ends else None
        self.counts = data
        self.publish('create_backups_workflow output', {
            name: self.result_of(expression, None, data) for name, expression in
            workflows['create_backups_workflow']['output'].items()})
        self.report = report

    def publish(self, where, field):
        self.fields[where] = field
        return field

    def mail_fields(self):
        """The report's body as write_report publishes it, and std.email's
        input (the mail settings of the guide's environment), as FIELDS."""
        write_report = self.workflows['_send_report_workflow']['tasks']['write_report']
        body = self.publish('write_report published', {
            'body': self.result_of(write_report['publish']['body'], None, self.report, now=60)})
        self.publish('send_mail input', dict(
            to_addrs=self.report['to_addrs'], subject=self.subject, body=body['body'],
            from_addr='backups@example.com', smtp_server='127.0.0.1:25', smtp_password=None))
        return self.fields

    def result_of(self, expression, task_result, data=None, **returns):
        returns['task'] = {'result': task_result}
        now = returns.pop('now', None)
        return self.evaluate(expression, data or {}, returns=returns, now=now)
