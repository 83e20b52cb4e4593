"""Synthetic graphs shaped like medkg's builds, for the quality-gate benchmark (``bench/gate.py``).

Four schemes (two glossaries, a regulation, a statute) with complete metadata; glossary concepts (English and
Spanish labels and definitions, related links, regulatory citations) and regulatory concepts (defined in a
paragraph provision, mentions); broader trees (60% of concepts, 2-4 levels) with top concepts; exact/close
matches across schemes; provisions (section → paragraph) with citation labels, text, official pages and Federal
Register history; a few definitions flagged incomplete and some concepts left unlinked, so warnings and notes are
exercised too. Every triple gets a made-up source line (provenance), as in a real build. Deterministic for a seed.

    .venv/bin/python bench/generate.py 1000 --out bench/graphs/1k.nt
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

from medkg.namespaces import MEDKG
from medkg.pipeline.context import BuildContext
from medkg.pipeline.diagnostics import SourceLocation
from medkg.pipeline.iris import IRIs
from rdflib import DCTERMS, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
SCHEMES = {"glossary-a": "glossary", "glossary-b": "glossary", "42-cfr-422": "regulation", "42-usc-part-c": "statute"}
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")


class Generator:
    def __init__(self, concepts: int, seed: int = 42) -> None:
        self.n = concepts
        self.rng = random.Random(seed)
        self.iris = IRIs()
        self.members: dict[str, list[URIRef]] = {s: [] for s in SCHEMES}
        self.root: dict[URIRef, URIRef] = {}

    def schemes(self) -> Iterator[Triple]:
        for slug, kind in SCHEMES.items():
            s = self.iris.scheme(slug)
            yield from ((s, RDF.type, SKOS.ConceptScheme),
                        (s, DCTERMS.title, Literal(f"Synthetic {kind} {slug}", lang="en")),
                        (s, DCTERMS.publisher, Literal("medkg benchmark")), (s, DCTERMS.license, CC0),
                        (s, DCTERMS.source, URIRef(f"https://example.org/{slug}")))

    def provision(self, i: int) -> tuple[URIRef, Iterator[Triple]]:
        """Paragraph ``i`` of a synthetic section, with its section and Federal Register history."""
        section = f"422.{100 + i // 20}"
        para = "abcdefghijklmnopqrst"[i % 20]
        sec_iri, iri = self.iris.cfr("42", "422", section), self.iris.cfr("42", "422", section, para)
        fr = self.iris.federal_register(60 + i % 30, 1000 + i // 50)

        def triples() -> Iterator[Triple]:
            for node, label, level in ((sec_iri, f"42 CFR {section}", "section"),
                                       (iri, f"42 CFR {section}({para})", "paragraph")):
                yield from ((node, RDF.type, MEDKG.Provision), (node, MEDKG.citationLabel, Literal(label)),
                            (node, RDFS.label, Literal(label)), (node, MEDKG.provisionLevel, Literal(level)),
                            (node, MEDKG.officialPage, URIRef(f"https://www.ecfr.gov/current/title-42/section-{section}")))
            yield from ((iri, DCTERMS.isPartOf, sec_iri), (iri, MEDKG.designator, Literal(para)),
                        (iri, MEDKG.text, Literal(f"Synthetic text of paragraph {para} of section {section}.")),
                        (sec_iri, MEDKG.originallyPublishedIn, fr), (fr, RDF.type, MEDKG.FederalRegisterCitation),
                        (fr, RDFS.label, Literal(f"{60 + i % 30} FR {1000 + i // 50}")),
                        (fr, MEDKG.frVolume, Literal(60 + i % 30)), (fr, MEDKG.frPage, Literal(1000 + i // 50)))
            if i % 7 == 0 and i >= 20:
                yield (iri, MEDKG.cites, self.iris.cfr("42", "422", f"422.{100 + (i - 20) // 20}"))
        return iri, triples()

    def concept(self, i: int) -> Iterator[Triple]:
        slug = list(SCHEMES)[i % 4]
        glossary = SCHEMES[slug] == "glossary"
        c, scheme = self.iris.concept(slug, f"term {i}"), self.iris.scheme(slug)
        kind = MEDKG.GlossaryConcept if glossary else MEDKG.RegulatoryConcept
        yield from ((c, RDF.type, SKOS.Concept), (c, RDF.type, kind), (c, SKOS.inScheme, scheme),
                    (c, SKOS.prefLabel, Literal(f"Term {i}", lang="en")),
                    (c, SKOS.definition, Literal(f"The synthetic definition of term {i}.", lang="en")))
        if glossary and i % 2 == 0:
            yield from ((c, SKOS.prefLabel, Literal(f"Término {i}", lang="es")),
                        (c, SKOS.definition, Literal(f"La definición sintética del término {i}.", lang="es")))
        if i % 5 == 0:
            yield (c, SKOS.altLabel, Literal(f"T{i}", lang="en"))
        if i % 200 == 0:
            yield (c, MEDKG.incompleteDefinition, Literal(True))
        yield from self.hierarchy(c, slug, scheme)
        yield from self.links(c, i, slug, glossary)
        self.members[slug].append(c)

    def hierarchy(self, c: URIRef, slug: str, scheme: URIRef) -> Iterator[Triple]:
        earlier = self.members[slug]
        if earlier and self.rng.random() < 0.6:
            # genus links go to the general terms (the first 5% of a scheme): hierarchies 2-4 levels deep, like
            # the real glossaries (the real build has 21 broader links among 406 concepts, at most 3 levels)
            parent = earlier[int(self.rng.random() * max(1, len(earlier) // 20))]
            self.root[c] = self.root[parent]
            yield from ((c, SKOS.broader, parent), (c, MEDKG.broaderEvidence, Literal("a synthetic genus", lang="en")))
        else:
            self.root[c] = c
            yield from ((c, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, c))

    def links(self, c: URIRef, i: int, slug: str, glossary: bool) -> Iterator[Triple]:
        others = [o for o in self.rng.sample(self.members[slug], min(3, len(self.members[slug])))
                  if self.root[o] != self.root[c]]  # another tree: never an ancestor (SKOS S27)
        if others and self.rng.random() < 0.4:
            yield (c, SKOS.related if glossary else MEDKG.mentions, others[0])
        if not glossary or i % 2 == 0:
            iri, triples = self.provision(i)
            yield (c, MEDKG.regulatoryCitation if glossary else MEDKG.definedIn, iri)
            yield from triples
        partner = list(SCHEMES)[(i + 2) % 4]
        if self.members[partner] and i % 10 < 2:
            target = self.members[partner][-1]
            yield from ((c, SKOS.exactMatch if i % 10 == 0 else SKOS.closeMatch, target),
                        (c, MEDKG.mappingEvidence, Literal("same label")))


def generate(concepts: int, seed: int = 42) -> BuildContext:
    """A build context holding the synthetic graph, each triple located at its own line of a made-up file."""
    gen = Generator(concepts, seed)
    ctx = BuildContext(IRIs())
    line = 0
    for triple in (*gen.schemes(), *(t for i in range(concepts) for t in gen.concept(i))):
        line += 1
        ctx.add(triple, SourceLocation(f"synthetic-{concepts}.txt", line))
    return ctx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("concepts", type=int)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="write the graph here as N-Triples")
    args = parser.parse_args()
    ctx = generate(args.concepts, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in ctx.graph)),
                        encoding="utf-8")
    print(f"{args.out}: {len(ctx.graph)} triples")


if __name__ == "__main__":
    main()
