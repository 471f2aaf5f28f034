"""Syntax of the identifiers an entry carries: ORCID (check digit), arXiv (old and new style), DOI, e-mail."""

from __future__ import annotations

import pytest

from survey.load.identifiers import (
    arxiv_problem,
    doi_problem,
    email_problem,
    normalise_doi,
    orcid_checksum,
    orcid_problem,
)


# Published examples from ORCID's own documentation (support.orcid.org, "Structure of the ORCID Identifier").
@pytest.mark.parametrize("orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"])
def test_orcid_published_examples_are_valid(orcid: str) -> None:
    assert orcid_problem(orcid) is None


def test_orcid_check_digit_can_be_x() -> None:
    assert orcid_checksum("000000021694233") == "X"


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0002-1825-0079", "0000-0001-5109-370X"])
def test_orcid_with_a_wrong_check_digit_is_reported(orcid: str) -> None:
    problem = orcid_problem(orcid)
    assert problem is not None and "check digit" in problem


@pytest.mark.parametrize("orcid", ["0000-0002-1825", "0000000218250097", "https://orcid.org/0000-0002-1825-0097"])
def test_orcid_in_the_wrong_shape_is_reported(orcid: str) -> None:
    assert orcid_problem(orcid) is not None


@pytest.mark.parametrize("arxiv", ["2402.15826", "2402.15826v2", "1501.00001", "0704.0001", "cs/0601001",
                                   "hep-th/9901001", "math.GT/0309136", "cs.AR/0601001v1"])
def test_arxiv_ids_of_both_styles_are_valid(arxiv: str) -> None:
    assert arxiv_problem(arxiv) is None


@pytest.mark.parametrize("arxiv", ["2413.00001", "2402.158", "arXiv:2402.15826", "https://arxiv.org/abs/2402.15826",
                                   "cs/060100", "CS/0601001", "2402-15826"])
def test_malformed_arxiv_ids_are_reported(arxiv: str) -> None:
    assert arxiv_problem(arxiv) is not None


@pytest.mark.parametrize("doi", ["10.1145/3620665.3640422", "10.1109/ISSCC42615.2023.10067610",
                                 "10.48550/arXiv.2402.15826"])
def test_dois_are_valid(doi: str) -> None:
    assert doi_problem(doi) is None


@pytest.mark.parametrize("doi", ["https://doi.org/10.1145/3620665.3640422", "doi:10.1145/3620665.3640422",
                                 "10.1145", "10.12/abc", "11.1145/3620665", "10.1145/ has space"])
def test_malformed_dois_are_reported(doi: str) -> None:
    assert doi_problem(doi) is not None


def test_dois_compare_case_insensitively() -> None:
    assert normalise_doi(" 10.1145/ABC ") == normalise_doi("10.1145/abc")


@pytest.mark.parametrize("email", ["ada@example.org", "ada.example+pim@mail.example.edu.cn"])
def test_email_addresses_are_valid(email: str) -> None:
    assert email_problem(email) is None


@pytest.mark.parametrize("email", ["ada.example.org", "ada@example", "@example.org", "ada@@example.org",
                                   "ada example@example.org"])
def test_malformed_email_addresses_are_reported(email: str) -> None:
    assert email_problem(email) is not None
