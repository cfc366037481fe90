import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.NTriplesDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Load an ontology file with the OWL API 5, resolving imports only through an OASIS catalog
 * (never the network), and print one JSON object per line:
 * {"ontology": ...}, {"import": ...}, {"missing_import": ...}, {"unparsed_triple": ...},
 * {"guessed_declaration": ...}, {"dl_violation": ...}, then {"summary": {...}}.
 *
 * Usage: java -cp ... CheckOntology ONTOLOGY_FILE [CATALOG_XML]
 * (the catalog defaults to catalog-v001.xml next to the ontology file).
 */
public final class CheckOntology {
    private CheckOntology() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CheckOntology ONTOLOGY_FILE [CATALOG_XML]");
            System.exit(2);
        }
        File file = new File(args[0]).getAbsoluteFile();
        File catalog = args.length > 1 ? new File(args[1]).getAbsoluteFile()
                                       : new File(file.getParentFile(), "catalog-v001.xml");
        Map<IRI, IRI> mapping = readCatalog(catalog);
        File offline = new File(System.getProperty("java.io.tmpdir"), "kgcase-offline-no-such-file.owl");

        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.getIRIMappers().clear();
        // Unmapped IRIs go to a file that does not exist: the load fails instead of fetching.
        manager.getIRIMappers().add(iri -> mapping.getOrDefault(iri, IRI.create(offline)));
        List<String> missing = new ArrayList<>();
        manager.addMissingImportListener(e -> missing.add(e.getImportedOntologyURI().toString()));
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setFollowRedirects(false);

        String name = file.getName().toLowerCase();
        // Turtle and N-Triples by extension; anything else (RDF/XML, Manchester...) is detected.
        OWLDocumentFormat hint = name.endsWith(".ttl") ? new TurtleDocumentFormat()
                               : name.endsWith(".nt") ? new NTriplesDocumentFormat()
                               : null;
        FileDocumentSource source = hint == null ? new FileDocumentSource(file) : new FileDocumentSource(file, hint);
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(source, config);

        line("ontology", ontology.getOntologyID().getOntologyIRI().map(IRI::toString).orElse(""));
        int unparsed = 0;
        int guessed = 0;
        int rdfDocuments = 0;
        List<OWLOntology> closure = ontology.importsClosure()
            .sorted(Comparator.comparing(o -> o.getOntologyID().toString()))
            .collect(Collectors.toList());
        for (OWLOntology o : closure) {
            String oid = o.getOntologyID().getOntologyIRI().map(IRI::toString).orElse("");
            if (!o.getOntologyID().equals(ontology.getOntologyID())) {
                line("import", oid);
            }
            OWLDocumentFormat format = manager.getOntologyFormat(o);
            if (format == null || !format.getOntologyLoaderMetaData().isPresent()) {
                continue;
            }
            if (!(format.getOntologyLoaderMetaData().get() instanceof RDFParserMetaData)) {
                continue;
            }
            RDFParserMetaData meta = (RDFParserMetaData) format.getOntologyLoaderMetaData().get();
            rdfDocuments++;
            for (String t : meta.getUnparsedTriples().map(Object::toString)
                                .collect(Collectors.toCollection(TreeSet::new))) {
                line("unparsed_triple", oid + " " + t);
                unparsed++;
            }
            for (String g : new TreeSet<>(meta.getGuessedDeclarations().entries().stream()
                    .map(e -> e.getKey() + " " + e.getValue().getSimpleName())
                    .collect(Collectors.toList()))) {
                line("guessed_declaration", oid + " " + g);
                guessed++;
            }
        }
        for (String m : new TreeSet<>(missing)) {
            line("missing_import", m);
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        TreeSet<String> violations = new TreeSet<>();
        for (OWLProfileViolation v : report.getViolations()) {
            violations.add(v.getClass().getSimpleName() + ": " + v.toString().replaceAll("\\s+", " "));
        }
        for (String v : violations) {
            line("dl_violation", v);
        }
        System.out.println("{\"summary\": {"
            + "\"axioms\": " + ontology.getAxiomCount(Imports.INCLUDED)
            + ", \"logical_axioms\": " + ontology.getLogicalAxiomCount(Imports.INCLUDED)
            + ", \"axioms_in_file\": " + ontology.getAxiomCount(Imports.EXCLUDED)
            + ", \"imports\": " + (closure.size() - 1)
            + ", \"rdf_documents\": " + rdfDocuments
            + ", \"missing_imports\": " + new TreeSet<>(missing).size()
            + ", \"unparsed_triples\": " + unparsed
            + ", \"guessed_declarations\": " + guessed
            + ", \"dl_violations\": " + violations.size()
            + "}}");
    }

    /** Read {@code <uri name="IRI" uri="relative/path"/>} entries of an OASIS XML catalog. */
    private static Map<IRI, IRI> readCatalog(File catalog) throws Exception {
        Map<IRI, IRI> mapping = new HashMap<>();
        if (!catalog.isFile()) {
            return mapping;
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        NodeList uris = factory.newDocumentBuilder().parse(catalog).getElementsByTagNameNS("*", "uri");
        for (int i = 0; i < uris.getLength(); i++) {
            Element e = (Element) uris.item(i);
            File target = new File(catalog.getParentFile(), e.getAttribute("uri"));
            mapping.put(IRI.create(e.getAttribute("name")), IRI.create(target.getAbsoluteFile()));
        }
        return mapping;
    }

    private static void line(String key, String value) {
        System.out.println("{\"" + key + "\": \"" + json(value) + "\"}");
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }
}
