"""Events other parts of the system react to (webhooks, today). Each is sent once the
transaction that caused it has committed, so a receiver never sees a change that rolled back.

    article_published(sender=Article, article=Article)
    article_updated(sender=Article, article=Article, changed=list[str])
    translation_approved(sender=Translation, translation=Translation)
    import_finished(sender=ImportBatch, batch=ImportBatch)
"""

from django.dispatch import Signal

article_published = Signal()
article_updated = Signal()
translation_approved = Signal()
import_finished = Signal()
