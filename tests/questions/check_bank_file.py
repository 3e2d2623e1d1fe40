"""Validate bank files while writing them: `python tests/questions/check_bank_file.py FILE...`."""

import sys
from collections import Counter

import yaml

from mockroom.questions.bank import BankFile

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        bank_file = BankFile.model_validate(yaml.safe_load(handle))
    counts = Counter(entry.difficulty for entry in bank_file.questions)
    print(f"{path}: {len(bank_file.questions)} questions, {dict(counts)}")
