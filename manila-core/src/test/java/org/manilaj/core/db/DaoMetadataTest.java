package org.manilaj.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.junit.jupiter.api.Test;

class DaoMetadataTest {
    @Test
    void preloadsEveryDaoOfTheCore() throws IOException, URISyntaxException {
        Path classes = Path.of(DaoMetadata.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> daos;
        try (Stream<Path> files = Files.walk(classes)) {
            daos = files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(DaoMetadataTest::load)
                    .filter(type -> type.isInterface() && Arrays.stream(type.getDeclaredMethods()).anyMatch(DaoMetadataTest::isSql))
                    .toList();
        }
        assertThat(daos).hasSizeGreaterThan(10);
        assertThat(DaoMetadata.DAOS).containsAll(daos);
    }

    private static boolean isSql(Method method) {
        return method.isAnnotationPresent(SqlQuery.class) || method.isAnnotationPresent(SqlUpdate.class)
                || method.isAnnotationPresent(SqlBatch.class);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, DaoMetadataTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
