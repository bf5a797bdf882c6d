"""A programme's files leave the disk with their rows, however the rows go (one by one in the
admin, or with their programme, task or update by cascade), and only once the deletion is
committed: a rolled-back deletion keeps its file."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from programs.models import ProgrammeDocument, TaskUpdateAttachment


@receiver(post_delete, sender=ProgrammeDocument, dispatch_uid="programs_document_file_delete")
@receiver(post_delete, sender=TaskUpdateAttachment, dispatch_uid="programs_attachment_file_delete")
def private_file_deleted(sender, instance, **kwargs):
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
