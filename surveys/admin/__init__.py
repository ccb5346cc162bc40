"""The surveys admin, by subdomain (Django autodiscovers this package).

- form: FormAdmin, a form's settings and texts, its versions, "Edit the questions";
- version: FormVersionAdmin, a version's questions, and its preview as a client sees it;
- questions: the questions inline and the rules they keep (keys, options, conditions);
- options: a choice question's options as staff type them, one a line;
- sending: SendingAdmin, sending a form to an organisation and who answered;
- results: a form's results page, its CSV and PDF (ResultsMixin, a base of FormAdmin);
- rules: FollowUpAdmin and ScheduleAdmin, the forms that go out by themselves.
"""

from .form import FormAdmin
from .rules import FollowUpAdmin, ScheduleAdmin
from .sending import SendingAdmin
from .version import FormVersionAdmin

__all__ = ["FollowUpAdmin", "FormAdmin", "FormVersionAdmin", "ScheduleAdmin", "SendingAdmin"]
