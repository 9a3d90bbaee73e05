package vn.canhgiac.tests.apicheck

import org.objectweb.asm.ClassReader
import org.objectweb.asm.ClassVisitor
import org.objectweb.asm.ClassWriter
import org.objectweb.asm.FieldVisitor
import org.objectweb.asm.MethodVisitor
import org.objectweb.asm.Opcodes
import java.io.File
import java.util.zip.ZipEntry
import java.util.zip.ZipFile
import java.util.zip.ZipOutputStream

/**
 * The framework jar the app is compiled against, made from android-all-instrumented: the same
 * classes and members with Robolectric's additions taken out (its marker interfaces, whose
 * abstract $$robo$getData the app's subclasses would otherwise have to implement, and its
 * $$robo$ and __constructor__ members) and method bodies dropped, since a compiler reads only
 * signatures. Robolectric runs the app on the instrumented jar itself.
 * Usage: CompileView <android-all-instrumented.jar> <out.jar>
 */
fun main(args: Array<String>) {
    val (input, output) = args
    val tmp = File("$output.tmp")
    ZipFile(input).use { zip ->
        ZipOutputStream(tmp.outputStream().buffered()).use { out ->
            for (e in zip.entries()) {
                if (!e.name.endsWith(".class")) continue
                val reader = ClassReader(zip.getInputStream(e).use { it.readBytes() })
                val writer = ClassWriter(0)
                reader.accept(Strip(writer), ClassReader.SKIP_CODE or ClassReader.SKIP_DEBUG or ClassReader.SKIP_FRAMES)
                out.putNextEntry(ZipEntry(e.name))
                out.write(writer.toByteArray())
                out.closeEntry()
            }
        }
    }
    tmp.renameTo(File(output))
}

private fun robolectric(name: String) = name.contains("\$\$robo\$") || name.startsWith("__robo") ||
    name == "__constructor__" || name == "__staticInitializer__"

private class Strip(next: ClassVisitor) : ClassVisitor(Opcodes.ASM9, next) {
    override fun visit(version: Int, access: Int, name: String, signature: String?, superName: String?, interfaces: Array<out String>?) {
        val kept = interfaces?.filterNot { it.startsWith("org/robolectric/") }?.toTypedArray()
        super.visit(version, access, name, signature, superName, kept)
    }

    override fun visitField(access: Int, name: String, descriptor: String, signature: String?, value: Any?): FieldVisitor? =
        if (robolectric(name)) null else super.visitField(access, name, descriptor, signature, value)

    override fun visitMethod(access: Int, name: String, descriptor: String, signature: String?, exceptions: Array<out String>?): MethodVisitor? =
        if (robolectric(name)) null else super.visitMethod(access, name, descriptor, signature, exceptions)
}
