"""manage.py rotate_secrets — re-encrypt every stored secret with the first key of
ZHAOSHANG_SECRET_KEYS (docs/deploy.md: rotating the key)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from zhaoshang.core.crypto import new_key
from zhaoshang.core.fields import encrypted_fields


class Command(BaseCommand):
    help = "用 ZHAOSHANG_SECRET_KEYS 的第一个密钥重新加密数据库中保存的全部密钥（群机器人地址和加签密钥等）。"

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="只生成一个新密钥并输出，不改动数据库")

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        total = 0
        with transaction.atomic():
            for model, names in encrypted_fields():
                # Reading decrypts with any key; writing encrypts with the first. update()
                # rather than save(): the values do not change, so there is nothing to audit
                # and no version to bump — only the ciphertext is new.
                for row in model._base_manager.select_for_update().values("pk", *names):
                    pk = row.pop("pk")
                    model._base_manager.filter(pk=pk).update(**row)
                    total += 1
        self.stdout.write(self.style.SUCCESS(f"已用当前密钥重新加密 {total} 条记录。"))
