from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property


class IdFirstPaginator(Paginator):
    """Pages a QuerySet in two steps: the page's ids from the filtered, sorted query
    without joins or wide columns, then those rows in full by primary key.

    At province scale the database then sorts narrow (id, key) rows and reads 50 wide rows
    by id, instead of carrying every column of every matching row (and its joined unit,
    investor, industry) through the sort: 280 ms → a few ms for a county's projects.

    ``count_cap``: count at most this many rows (then ``capped`` is true and pages stop
    there). For free-text search, where an exact count would read the whole table.
    """

    def __init__(self, queryset, per_page, count_cap: int | None = None):
        self.full_queryset = queryset
        self.count_cap = count_cap
        self.capped = False
        super().__init__(queryset.values_list("pk", flat=True), per_page)

    @cached_property
    def count(self):
        if self.count_cap is None:
            return super().count
        counted = self.object_list[: self.count_cap + 1].count()
        self.capped = counted > self.count_cap
        return min(counted, self.count_cap)

    def _get_page(self, object_list, number, paginator):
        ids = list(object_list)
        source = self.full_queryset
        rows = source.model._base_manager.using(source.db).filter(pk__in=ids)
        rows.query.select_related = source.query.select_related
        rows.query.deferred_loading = source.query.deferred_loading
        rows = rows.prefetch_related(*source._prefetch_related_lookups)
        by_id = {row.pk: row for row in rows}
        return super()._get_page([by_id[pk] for pk in ids if pk in by_id], number, paginator)


def paginate(request, queryset, per_page: int = 50, *, count_cap: int | None = None):
    """One page of ``queryset`` from ?page=; an out-of-range or junk page shows the last/first.

    Plain model QuerySets go through IdFirstPaginator; lists and annotated queries page as they are.
    """
    if isinstance(queryset, QuerySet) and queryset._iterable_class is ModelIterable and not queryset.query.annotations:
        paginator = IdFirstPaginator(queryset, per_page, count_cap=count_cap)
    else:
        paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
