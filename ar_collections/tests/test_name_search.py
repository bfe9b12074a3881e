"""``name_search`` answers on every model of the addon (a ``_rec_name`` set
to the computed ``display_name`` made it loop forever and tie up a worker)."""

import signal
from contextlib import contextmanager

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

SECONDS = 10  # a name_search taking longer fails the test instead of hanging it


class NameSearchTimeout(Exception):
    pass


@tagged("post_install", "-at_install")
class TestNameSearch(TransactionCase):
    @contextmanager
    def time_limit(self, model_name):
        """Fail instead of hanging: SQL is cut by ``statement_timeout``, Python by an alarm."""

        def on_alarm(signum, frame):
            raise NameSearchTimeout(f"name_search on {model_name} took more than {SECONDS} s")

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, SECONDS)
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(SQL("SET LOCAL statement_timeout = %s", f"{SECONDS}s"))
                yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def addon_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if not model._abstract and (model._original_module == "ar_collections" or name.startswith("ar."))
        )

    def test_name_search_on_every_model(self):
        names = self.addon_models()
        self.assertIn("ar.credit.release", names)
        self.assertIn("ar.dunning.letter", names)
        for name in names:
            for term in ("", "a"):
                with self.subTest(model=name, term=term), self.time_limit(name):
                    result = self.env[name].name_search(term, limit=5)
                    self.assertIsInstance(result, list)
