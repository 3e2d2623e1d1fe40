"""Well-known books and official documentation, by name, for each kind of area."""

from __future__ import annotations

from mockroom.ai.schemas import QuestionType

# (words any of which in an area's name selects the entry, resources). First match wins, so
# specific entries come before general ones.
_BY_AREA: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("python",), ("Fluent Python (Luciano Ramalho)", "The official Python documentation")),
    (("typescript",), ("The TypeScript Handbook", "Effective TypeScript (Dan Vanderkam)")),
    (
        ("javascript", "node", "frontend", "web", "browser", "react"),
        ("MDN Web Docs", "You Don't Know JS Yet (Kyle Simpson)"),
    ),
    (("rust",), ("The Rust Programming Language", "Rust for Rustaceans (Jon Gjengset)")),
    (("go", "golang"), ("The Go Programming Language (Donovan and Kernighan)", "Effective Go")),
    (
        ("java", "jvm", "kotlin"),
        ("Effective Java (Joshua Bloch)", "Java Concurrency in Practice (Brian Goetz)"),
    ),
    (
        ("cpp", "c++"),
        (
            "A Tour of C++ (Bjarne Stroustrup)",
            "Effective Modern C++ (Scott Meyers)",
            "The C++ Core Guidelines",
        ),
    ),
    (("csharp", "dotnet"), ("C# in Depth (Jon Skeet)", "Microsoft's C# documentation")),
    (
        ("sql", "database", "postgres", "storage"),
        (
            "Use The Index, Luke (Markus Winand)",
            "The PostgreSQL documentation",
            "Designing Data-Intensive Applications (Martin Kleppmann)",
        ),
    ),
    (
        ("algorithm", "data-structure", "structures", "complexity"),
        (
            "Introduction to Algorithms (Cormen, Leiserson, Rivest and Stein)",
            "The Algorithm Design Manual (Steven Skiena)",
        ),
    ),
    (
        ("operating", "linux", "os", "memory"),
        (
            "Operating Systems: Three Easy Pieces (Arpaci-Dusseau)",
            "The Linux Programming Interface (Michael Kerrisk)",
        ),
    ),
    (
        ("network", "http", "tcp", "dns"),
        (
            "Computer Networking: A Top-Down Approach (Kurose and Ross)",
            "High Performance Browser Networking (Ilya Grigorik)",
        ),
    ),
    (
        ("concurrency", "parallel", "async"),
        (
            "The Art of Multiprocessor Programming (Herlihy and Shavit)",
            "Java Concurrency in Practice (Brian Goetz)",
        ),
    ),
    (
        ("distributed",),
        (
            "Designing Data-Intensive Applications (Martin Kleppmann)",
            "Distributed Systems (van Steen and Tanenbaum)",
        ),
    ),
    (
        ("security", "auth", "crypto"),
        ("The OWASP Top Ten", "The Web Application Hacker's Handbook (Stuttard and Pinto)"),
    ),
    (
        ("test", "quality"),
        (
            "Test-Driven Development: By Example (Kent Beck)",
            "Unit Testing Principles, Practices, and Patterns (Vladimir Khorikov)",
        ),
    ),
    (
        ("devops", "cloud", "kubernetes", "docker", "infrastructure", "reliability", "sre"),
        ("Site Reliability Engineering (Google)", "The Kubernetes documentation"),
    ),
    (
        ("design-pattern", "architecture", "object", "oop", "clean"),
        (
            "Design Patterns (Gamma, Helm, Johnson and Vlissides)",
            "A Philosophy of Software Design (John Ousterhout)",
        ),
    ),
    (("git", "version"), ("Pro Git (Scott Chacon and Ben Straub)",)),
    (
        ("machine-learning", "ml", "data-science"),
        (
            "Hands-On Machine Learning (Aurélien Géron)",
            "Designing Machine Learning Systems (Chip Huyen)",
        ),
    ),
)
_BY_TYPE: dict[QuestionType, tuple[str, ...]] = {
    "technical": (
        "Cracking the Coding Interview (Gayle Laakmann McDowell)",
        "The Pragmatic Programmer (Hunt and Thomas)",
    ),
    "behavioral": (
        "Cracking the Coding Interview (Gayle Laakmann McDowell), the behavioral chapter",
        "The Staff Engineer's Path (Tanya Reilly)",
    ),
    "system_design": (
        "Designing Data-Intensive Applications (Martin Kleppmann)",
        "System Design Interview (Alex Xu)",
    ),
}
COMMUNICATION = ("The Pyramid Principle (Barbara Minto)", "Made to Stick (Chip and Dan Heath)")


def for_area(area: str, question_type: QuestionType) -> list[str]:
    if question_type != "technical":
        return list(_BY_TYPE[question_type])
    parts = set(area.lower().replace("_", "-").split("-")) | {area.lower()}
    for keys, names in _BY_AREA:
        if any(key in parts or (len(key) > 3 and key in area.lower()) for key in keys):
            return list(names)
    return list(_BY_TYPE[question_type])
