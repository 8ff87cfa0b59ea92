package org.maskstream.deploy;

import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the deployment files of the project (tests run with the project root as working directory). */
final class ProjectFiles {

    static final Path ROOT = Path.of("").toAbsolutePath();

    private ProjectFiles() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML file that describes the deployment: compose, k8s/, deploy/ and flink-conf/. */
    static List<Path> yamlFiles() {
        List<Path> files = new ArrayList<>();
        files.add(path("docker-compose.yml"));
        for (String dir : List.of("k8s", "deploy", "flink-conf")) {
            try (Stream<Path> walk = Files.walk(path(dir))) {
                walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** All documents of a (possibly multi-document) YAML file, with YAML's merge keys resolved. */
    static List<Object> yamlDocuments(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Object> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            yaml.loadAll(reader).forEach(doc -> {
                if (doc != null) {
                    documents.add(doc);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static Map<String, Object> yaml(String relative) {
        List<Object> documents = yamlDocuments(path(relative));
        assertEquals(1, documents.size(), relative + " should hold one YAML document");
        return map(documents.get(0), relative);
    }

    /** Every document of every file under k8s/, as maps. */
    static List<Map<String, Object>> kubernetesResources() {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (file.startsWith(path("k8s"))) {
                yamlDocuments(file).forEach(doc -> resources.add(map(doc, file.toString())));
            }
        }
        return resources;
    }

    static List<Map<String, Object>> kubernetesResources(String kind) {
        return kubernetesResources().stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String what) {
        assertInstanceOf(Map.class, node, what + " should be a mapping");
        return (Map<String, Object>) node;
    }

    /** The value at a dotted path of mapping keys, e.g. {@code at(doc, "spec", "job", "args")}; fails if absent. */
    static Object at(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            current = map(current, String.join(".", keys)).get(key);
            assertNotNull(current, "missing key '" + key + "' in path " + String.join(".", keys));
        }
        return current;
    }

    static List<String> strings(Object node, String what) {
        assertInstanceOf(List.class, node, what + " should be a list");
        return ((List<?>) node).stream().map(o -> Objects.toString(o)).toList();
    }

    /** A property of pom.xml's {@code <properties>}, the one place versions and the main class are pinned. */
    static String pomProperty(String name) {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path("pom.xml").toFile());
            Node node = pom.getElementsByTagName("properties").item(0);
            for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (name.equals(child.getNodeName())) {
                    return child.getTextContent().trim();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read pom.xml", e);
        }
        throw new AssertionError("pom.xml has no property " + name);
    }

    /** The shaded jar's file name (the pom's finalName) as the Dockerfile and k8s/ refer to it. */
    static String jarFileName() {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path("pom.xml").toFile());
            return pom.getElementsByTagName("finalName").item(0).getTextContent().trim() + ".jar";
        } catch (Exception e) {
            throw new IllegalStateException("cannot read pom.xml", e);
        }
    }

    /** The job jar for a Flink cluster: the pom's job-jar shade execution writes it (its outputFile). */
    static String jobJarFileName() {
        Matcher m = Pattern.compile("<outputFile>\\$\\{project\\.build\\.directory}/([^<]+)</outputFile>")
                .matcher(read("pom.xml"));
        assertTrue(m.find(), "pom.xml has no job-jar outputFile");
        return m.group(1);
    }

    /**
     * The class the jar's manifest names: the pom's {@code main.class} (the shade plugin's
     * ManifestResourceTransformer writes it), cross-checked against a built jar's manifest when there is one.
     */
    static String manifestMainClass() {
        String fromPom = pomProperty("main.class");
        Path jar = path("target").resolve(jarFileName());
        if (Files.isRegularFile(jar)) {
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                assertEquals(fromPom, jarFile.getManifest().getMainAttributes().getValue("Main-Class"),
                        jar + " names another main class than pom.xml; rebuild it");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fromPom;
    }
}
