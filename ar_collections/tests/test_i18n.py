from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every string a user of the addon reads exists in Simplified Chinese."""

    def test_every_term_has_a_zh_cn_translation(self):
        sources = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=["ar_collections"]
            )
            if module == "ar_collections" and source.strip()
        }
        self.assertGreater(len(sources), 100, "the reader found the addon's terms")
        translated = {
            entry.msgid
            for entry in polib.pofile(str(I18N / "zh_CN.po"))
            if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
        }
        missing = sorted(sources - translated)
        self.assertFalse(missing, "terms without a zh_CN translation (%d): %s" % (len(missing), missing[:30]))

    def test_pot_is_up_to_date(self):
        sources = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=["ar_collections"]
            )
            if module == "ar_collections" and source.strip()
        }
        template = {entry.msgid for entry in polib.pofile(str(I18N / "ar_collections.pot"))}
        self.assertFalse(sorted(sources - template), "regenerate i18n/ar_collections.pot")
