from django.db import models


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色预警"


LEVEL_BADGES = {WarningLevel.YELLOW: "yellow", WarningLevel.RED: "red"}
LEVEL_SHORT = {WarningLevel.YELLOW: "黄", WarningLevel.RED: "红"}


class WarningStatus(models.TextChoices):
    OPEN = "open", "未解除"
    CLEARED = "cleared", "已解除"


class ScanStatus(models.TextChoices):
    RUNNING = "running", "扫描中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ScanSource(models.TextChoices):
    COMMAND = "command", "定时任务/命令"
    BUTTON = "button", "立即扫描"
    DEMO = "demo", "演示数据"
