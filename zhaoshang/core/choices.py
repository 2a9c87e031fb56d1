from django.db import models


class Action(models.TextChoices):
    """What a user wants to do with rows; the argument of ``restrict(user, action)``."""

    VIEW = "view", "查看"
    ADD = "add", "新增"
    CHANGE = "change", "修改"
    DELETE = "delete", "删除"
    VERIFY = "verify", "审核"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看个人信息"
    # Counts and states without contents (how many messages failed, and why in a word):
    # what the system admin may see of business queues such as the outbox (三权分立).
    MONITOR = "monitor", "查看运行状况"
    # Units a project may be addressed to (a handover, a pool opened to them): every active
    # unit's name, also outside an officer's subtree — the organisation chart, not its data.
    ADDRESS = "address", "选择对方单位"


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGIN_LOCKED = "login_locked", "账号锁定"
    LOGOUT = "logout", "退出"
    MFA_CHANGE = "mfa_change", "两步验证设置"
    MFA_FAILED = "mfa_failed", "两步验证失败"
    MFA_RECOVERY = "mfa_recovery", "使用恢复码"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    ROLE_CHANGE = "role_change", "角色/权限变更"
    VERIFY = "verify", "审核"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看个人信息"
    MERGE = "merge", "合并"


class Verification(models.TextChoices):
    """Where a unit's claim stands with the bureau (``core.verification.Verifiable``)."""

    SUBMITTED = "submitted", "待审核"
    VERIFIED = "verified", "审核通过"
    RETURNED = "returned", "退回"


VERIFICATION_BADGES = {Verification.SUBMITTED: "yellow", Verification.VERIFIED: "green", Verification.RETURNED: "red"}
