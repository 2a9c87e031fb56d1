"""A create form's token is spent once: two POSTs of the same form make one record,
even at the same moment, and a refused save leaves the token usable."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhaoshang.core.models import CreateToken
from zhaoshang.core.once import create_once
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project


def url_of(made) -> str:
    return f"/projects/{made.pk}/"


@pytest.mark.django_db
def test_the_second_use_of_a_token_creates_nothing_and_names_the_first_record(personas):
    def make():
        return project(personas.officer_a, personas.town_a)

    first = create_once(personas.officer_a, "tok-a", make, url_of)
    second = create_once(personas.officer_a, "tok-a", make, url_of)
    assert second.created is None and second.url == first.url == f"/projects/{first.created.pk}/"
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_save_does_not_spend_the_token(personas):
    def refused():
        project(personas.officer_a, personas.town_b)  # another town's unit: refused

    with pytest.raises(ValidationError):
        create_once(personas.officer_a, "tok-b", refused, url_of)
    assert not CreateToken.objects.exists()
    made = create_once(personas.officer_a, "tok-b", lambda: project(personas.officer_a, personas.town_a), url_of)
    assert made.created is not None


@pytest.mark.django_db
def test_another_users_token_is_refused_not_followed(personas):
    create_once(personas.officer_a, "tok-c", lambda: project(personas.officer_a, personas.town_a), url_of)
    with pytest.raises(ValidationError) as error:
        create_once(personas.officer_b, "tok-c", lambda: project(personas.officer_b, personas.town_b), url_of)
    assert "该表单已失效" in error.value.messages[0]
    assert Project.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_the_same_form_create_one_record(personas):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's shared in-memory test database fails a waiting writer instead of letting it wait")
    start = threading.Barrier(2)
    results, errors = [], []

    def post():
        from django.db import connections

        try:
            start.wait()

            def make():
                return project(personas.officer_a, personas.town_a)

            results.append(create_once(personas.officer_a, "tok-race", make, url_of))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Project.objects.count() == 1
    assert sorted(result.created is None for result in results) == [False, True]
    assert len({result.url for result in results}) == 1
