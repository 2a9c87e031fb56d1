"""Object URLs of the reference app. The dictionaries are everyone's to read and the
bureau's (and the system admin's) to change: no officer may edit or delete a 客商来源分组."""

ADMIN_ONLY_URLS = ["reference:origin_group_edit", "reference:origin_group_delete"]
