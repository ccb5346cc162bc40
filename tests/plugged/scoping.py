from tests.scoping import Case

CASES = [Case("plugged:organisation", lambda w: {"organisation_id": w.org.pk})]
